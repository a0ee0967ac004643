#include "media/container/jpeg_segments.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "media/container/container_error.h"

namespace dv::media {

namespace {

constexpr uint8_t kEoi = 0xD9, kSos = 0xDA, kApp1 = 0xE1, kTem = 0x01;
// Both prefixes end in a NUL that belongs to them.
constexpr std::string_view kStandardXmpPrefix{"http://ns.adobe.com/xap/1.0/\0", 29};
constexpr std::string_view kExtendedXmpPrefix{"http://ns.adobe.com/xmp/extension/\0", 35};
constexpr size_t kGuidLength = 32;
constexpr size_t kExtendedHeaderLength = kGuidLength + 4 + 4;  // GUID, full length, offset

// Markers without a length field: TEM, RSTn, SOI and EOI.
bool is_standalone(uint8_t marker) { return marker == kTem || (marker >= 0xD0 && marker <= 0xD9); }

std::string marker_name(uint8_t marker) {
  if (marker >= 0xE0 && marker <= 0xEF) return "APP" + std::to_string(marker - 0xE0);
  if (marker == kSos) return "SOS";
  static const char kHex[] = "0123456789ABCDEF";
  return std::string("FF") + kHex[marker >> 4] + kHex[marker & 15];
}

uint32_t read_be(std::span<const uint8_t> bytes, size_t pos, int count) {
  uint32_t value = 0;
  for (int i = 0; i < count; ++i) value = value << 8 | bytes[pos + size_t(i)];
  return value;
}

std::string_view as_text(std::span<const uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// The offset of the FF that introduces the next marker at or after pos. Skips what is not a
// marker the way decoders do: entropy-coded data with its stuffed FF 00 and RSTn markers, fill
// bytes (FF FF ...), and stray bytes between segments.
size_t next_marker(std::span<const uint8_t> file, size_t pos) {
  while (pos < file.size()) {
    const void* ff = std::memchr(file.data() + pos, 0xFF, file.size() - pos);
    if (ff == nullptr) break;
    size_t at = size_t(static_cast<const uint8_t*>(ff) - file.data());
    while (at + 1 < file.size() && file[at + 1] == 0xFF) ++at;
    if (at + 1 >= file.size()) break;
    const uint8_t marker = file[at + 1];
    if (marker != 0x00 && !(marker >= 0xD0 && marker <= 0xD7)) return at;
    pos = at + 2;
  }
  throw ContainerError("the JPEG ends before its EOI marker (the file is truncated)");
}

ExtendedXmpChunk read_extended_chunk(std::span<const uint8_t> header_and_data, size_t segment_offset) {
  if (header_and_data.size() < kExtendedHeaderLength)
    throw ContainerError("the JPEG's extended XMP segment at byte " + std::to_string(segment_offset) +
                         " is too short for its header (GUID, length and offset)");
  ExtendedXmpChunk chunk;
  chunk.guid = as_text(header_and_data.first(kGuidLength));
  chunk.full_length = read_be(header_and_data, kGuidLength, 4);
  chunk.offset = read_be(header_and_data, kGuidLength + 4, 4);
  chunk.data = as_text(header_and_data.subspan(kExtendedHeaderLength));
  chunk.segment_offset = segment_offset;
  return chunk;
}

void read_app1(std::span<const uint8_t> payload, size_t segment_offset, JpegSegments& out) {
  const std::string_view text = as_text(payload);
  if (text.starts_with(kStandardXmpPrefix)) {
    // XMP allows one standard packet; a second one (seen after careless edits) is ignored.
    if (!out.standard_xmp) out.standard_xmp = text.substr(kStandardXmpPrefix.size());
  } else if (text.starts_with(kExtendedXmpPrefix)) {
    out.extended_xmp.push_back(read_extended_chunk(payload.subspan(kExtendedXmpPrefix.size()), segment_offset));
  }
}

bool same_guid(std::string_view a, std::string_view b) {
  // Writers differ in the case of the hex digits (the sample Pixel XMP uses lower case).
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](char x, char y) { return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y)); });
}

std::string missing_bytes(std::string_view guid, uint64_t from, uint64_t to, uint32_t full_length) {
  return "the extended XMP " + std::string(guid) + " is incomplete: bytes " + std::to_string(from) + " to " +
         std::to_string(to) + " of its " + std::to_string(full_length) + " are missing (a chunk is lost)";
}

}  // namespace

bool is_jpeg(std::span<const uint8_t> file) {
  return file.size() >= 3 && file[0] == 0xFF && file[1] == 0xD8 && file[2] == 0xFF;
}

JpegSegments read_jpeg_segments(std::span<const uint8_t> file) {
  if (!is_jpeg(file)) throw ContainerError("not a JPEG (it does not start with an SOI marker)");
  JpegSegments out;
  size_t pos = 2;
  for (;;) {
    const size_t at = next_marker(file, pos);
    const uint8_t marker = file[at + 1];
    const size_t after_marker = at + 2;
    if (marker == kEoi) {
      out.primary_end = after_marker;
      return out;
    }
    if (is_standalone(marker)) {
      pos = after_marker;
      continue;
    }
    const size_t left = file.size() - after_marker;
    const uint32_t length = left >= 2 ? read_be(file, after_marker, 2) : 0;
    if (left < 2 || length > left)
      throw ContainerError("the JPEG is truncated: its " + marker_name(marker) + " segment at byte " + std::to_string(at) +
                           (left < 2 ? std::string(" has no length") : " claims " + std::to_string(length) + " bytes but only " +
                                                                            std::to_string(left) + " follow its marker"));
    if (length < 2)
      throw ContainerError("the JPEG is damaged: its " + marker_name(marker) + " segment at byte " + std::to_string(at) +
                           " claims " + std::to_string(length) + " bytes, less than its own length field");
    if (marker == kApp1) read_app1(file.subspan(after_marker + 2, length - 2), at, out);
    // After SOS the entropy-coded data follows: next_marker skips it.
    pos = after_marker + length;
  }
}

std::string join_extended_xmp(const std::vector<ExtendedXmpChunk>& chunks, std::string_view guid) {
  std::vector<const ExtendedXmpChunk*> own;
  for (const auto& chunk : chunks)
    if (same_guid(chunk.guid, guid)) own.push_back(&chunk);
  if (own.empty())
    throw ContainerError("the XMP names extended XMP " + std::string(guid) + " but the photo has none of its chunks");
  // By offset, then file order (std::sort, not stable_sort: libstdc++'s warns under clang's C++20).
  std::sort(own.begin(), own.end(), [](auto* a, auto* b) {
    return a->offset != b->offset ? a->offset < b->offset : a->segment_offset < b->segment_offset;
  });
  const uint32_t full_length = own.front()->full_length;
  std::string packet;
  uint64_t covered = 0;
  for (const ExtendedXmpChunk* chunk : own) {
    if (chunk->full_length != full_length)
      throw ContainerError("the extended XMP " + std::string(guid) + " has chunks that disagree on its length (" +
                           std::to_string(full_length) + " and " + std::to_string(chunk->full_length) + " bytes)");
    if (chunk->offset > covered) throw ContainerError(missing_bytes(guid, covered, chunk->offset, full_length));
    if (chunk->offset < covered)
      throw ContainerError("the extended XMP " + std::string(guid) + " has chunks that overlap at byte " +
                           std::to_string(chunk->offset));
    if (covered + chunk->data.size() > full_length)
      throw ContainerError("the extended XMP " + std::string(guid) + " has a chunk that runs past its length of " +
                           std::to_string(full_length) + " bytes");
    packet += chunk->data;
    covered += chunk->data.size();
  }
  if (covered < full_length) throw ContainerError(missing_bytes(guid, covered, full_length, full_length));
  return packet;
}

}  // namespace dv::media
