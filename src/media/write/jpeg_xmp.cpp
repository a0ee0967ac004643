#include "media/write/jpeg_xmp.h"

#include <stdexcept>
#include <string>

#include "media/container/jpeg_segments.h"

namespace dv::media {

namespace {

constexpr std::string_view kXmpHeader{"http://ns.adobe.com/xap/1.0/\0", 29};

// Just past the JFIF APP0 and EXIF APP1 segments that follow the SOI (their order is fixed by
// JFIF / EXIF: they come first), or just past the SOI.
size_t after_leading_segments(std::span<const uint8_t> jpeg) {
  size_t at = 2;
  while (at + 4 <= jpeg.size() && jpeg[at] == 0xFF && (jpeg[at + 1] == 0xE0 || jpeg[at + 1] == 0xE1)) {
    const size_t length = size_t(jpeg[at + 2]) << 8 | jpeg[at + 3];
    if (jpeg[at + 1] == 0xE1 && std::string_view(reinterpret_cast<const char*>(jpeg.data() + at + 4),
                                                 std::min<size_t>(6, jpeg.size() - at - 4)) != std::string_view("Exif\0\0", 6))
      break;  // an APP1 that is not EXIF (an XMP already): ours goes before it
    if (at + 2 + length > jpeg.size()) break;
    at += 2 + length;
  }
  return at;
}

}  // namespace

std::vector<uint8_t> insert_xmp(std::span<const uint8_t> jpeg, std::string_view xmp) {
  if (!is_jpeg(jpeg)) throw std::invalid_argument("XMP: the image is not a JPEG (no SOI marker)");
  if (xmp.size() > kMaxStandardXmpBytes)
    throw std::invalid_argument("XMP: the packet is " + std::to_string(xmp.size()) + " bytes, over the " +
                                std::to_string(kMaxStandardXmpBytes) + " one APP1 segment holds");
  const size_t length = 2 + kXmpHeader.size() + xmp.size();
  std::vector<uint8_t> segment = {0xFF, 0xE1, uint8_t(length >> 8), uint8_t(length)};
  segment.insert(segment.end(), kXmpHeader.begin(), kXmpHeader.end());
  segment.insert(segment.end(), xmp.begin(), xmp.end());
  const size_t at = after_leading_segments(jpeg);
  std::vector<uint8_t> out(jpeg.begin(), jpeg.begin() + std::ptrdiff_t(at));
  out.insert(out.end(), segment.begin(), segment.end());
  out.insert(out.end(), jpeg.begin() + std::ptrdiff_t(at), jpeg.end());
  return out;
}

}  // namespace dv::media
