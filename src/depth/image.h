// Photo decoding (stb_image): any JPEG/PNG/BMP/GIF/PNM → 8-bit RGB.
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

// Throws ImageError with a message naming the problem (not an image, truncated, too large…).
Image decode_image(std::span<const uint8_t> bytes, const std::string& name = "image");
Image load_image(const std::string& path);

}  // namespace dv::depth
