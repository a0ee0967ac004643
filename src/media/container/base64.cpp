#include "media/container/base64.h"

#include <algorithm>
#include <string>

extern "C" {
#include <b64/cdecode.h>
}

#include "media/container/container_error.h"

namespace dv::media {

namespace {

constexpr int kPaddingValue = -2;  // what base64_decode_value gives for '='

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Alphabet characters, then at most two '=' that complete the last group of four; without
// padding the last group may be short, but never a lone character (it cannot make a byte).
bool is_valid_base64(std::string_view text) {
  size_t data = 0, padding = 0;
  for (const char c : text) {
    if (is_space(c)) continue;
    const int value = base64_decode_value(c);
    if (value == kPaddingValue) {
      ++padding;
    } else if (value < 0 || padding > 0) {
      return false;
    } else {
      ++data;
    }
  }
  if (padding > 2) return false;
  return padding > 0 ? (data + padding) % 4 == 0 : data % 4 != 1;
}

}  // namespace

std::vector<uint8_t> decode_base64(std::string_view text, std::string_view what) {
  if (!is_valid_base64(text)) throw ContainerError(std::string(what) + " is not valid base64");
  // libb64 writes the partial next byte past the whole ones: room for it.
  std::vector<uint8_t> bytes(text.size() / 4 * 3 + 3);
  base64_decodestate state;
  base64_init_decodestate(&state);
  size_t written = 0;
  constexpr size_t kPiece = size_t(1) << 20;  // libb64 counts in int; its state carries across pieces
  for (size_t pos = 0; pos < text.size(); pos += kPiece) {
    const size_t length = std::min(kPiece, text.size() - pos);
    written += size_t(base64_decode_block(text.data() + pos, int(length), reinterpret_cast<char*>(bytes.data() + written), &state));
  }
  bytes.resize(written);
  return bytes;
}

}  // namespace dv::media
