// Photo decoding: JPEG/BMP/GIF/PNM (stb_image), PNG (libpng), WebP (libwebp), HEIC/AVIF/HEIF
// (libheif) → 8-bit RGB. WebP and HEIF need DV_HAVE_WEBP / DV_HAVE_HEIF (native builds).
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace dv::depth {

struct ImageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Image {
  int width = 0, height = 0;
  std::vector<uint8_t> rgb;  // width * height * 3, row-major
};

// Throws std::invalid_argument unless the image has a positive size and width * height * 3 bytes.
void validate(const Image& image, const char* what = "photo");

// Photos larger than this are refused from their header, before any pixel is decoded.
constexpr uint64_t kMaxImagePixels = 100'000'000;

// Throws ImageError with a message naming the problem (not an image, truncated, too large…).
// Grey, grey+alpha and RGBA images become RGB; 16-bit PNGs and 10-bit HEIFs are reduced to 8 bits;
// a JPEG's or WebP's EXIF orientation and a HEIF's irot/imir are applied (the result is upright);
// an animated WebP gives its first frame. A WebP or HEIF file in a build without its library:
// "<name>: HEIC support is not in this build".
Image decode_image(std::span<const uint8_t> bytes, const std::string& name = "image",
                   uint64_t max_pixels = kMaxImagePixels);
Image load_image(const std::string& path, uint64_t max_pixels = kMaxImagePixels);

// A 16-bit single-channel image as stored (e.g. a depth ground truth; 8-bit files are scaled to
// 0..65535 by stb). Throws ImageError like decode_image.
struct Grey16 {
  int width = 0, height = 0;
  std::vector<uint16_t> values;
  int stored_bits = 16;  // 8 when the file held 8-bit samples (scaled up)
};
Grey16 decode_grey16(std::span<const uint8_t> bytes, const std::string& name = "image",
                     uint64_t max_pixels = kMaxImagePixels);

// The bytes of a file; throws ImageError when it cannot be read.
std::vector<uint8_t> read_file(const std::string& path);

}  // namespace dv::depth
