// 16-bit grey PNG with libpng (stb_image_write has no 16-bit output).
#include <algorithm>
#include <cmath>
#include <csetjmp>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include <png.h>

#include "depth/export.h"

namespace dv::depth {

namespace {

void append(png_structp png, png_bytep data, size_t size) {
  auto* out = static_cast<std::vector<uint8_t>*>(png_get_io_ptr(png));
  out->insert(out->end(), data, data + size);
}

// libpng reports errors by longjmp: this function holds no object with a destructor, so jumping
// back into it skips nothing. Returns false on failure.
bool encode(png_structp png, png_infop info, const std::vector<png_bytep>& rows, int width, int height) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_set_IHDR(png, info, png_uint_32(width), png_uint_32(height), 16, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  png_set_swap(png);  // our samples are little-endian uint16; PNG stores big-endian
  png_write_image(png, const_cast<png_bytepp>(rows.data()));
  png_write_end(png, nullptr);
  return true;
}

}  // namespace

std::vector<uint8_t> encode_grey16(const Grey16& image) {
  if (image.width <= 0 || image.height <= 0 || image.values.size() != size_t(image.width) * size_t(image.height))
    throw std::invalid_argument("16-bit PNG: not a valid " + std::to_string(image.width) + "x" + std::to_string(image.height) + " image");
  std::vector<png_bytep> rows(size_t(image.height));
  for (int y = 0; y < image.height; ++y)
    rows[size_t(y)] = reinterpret_cast<png_bytep>(const_cast<uint16_t*>(&image.values[size_t(y) * size_t(image.width)]));
  std::vector<uint8_t> out;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  bool ok = info != nullptr;
  if (ok) {
    png_set_write_fn(png, &out, append, nullptr);
    ok = encode(png, info, rows, image.width, image.height);
  }
  png_destroy_write_struct(&png, &info);
  if (!ok) throw std::runtime_error("cannot encode the depth map as a 16-bit PNG");
  return out;
}

std::vector<uint8_t> encode_png16(const DepthMap& map) {
  validate(map, "16-bit PNG");
  Grey16 samples{map.width, map.height, std::vector<uint16_t>(map.values.size())};
  for (size_t i = 0; i < map.values.size(); ++i) samples.values[i] = uint16_t(std::lround(quantize_unit(map.values[i], 65535)));
  return encode_grey16(samples);
}

std::vector<uint8_t> encode_png16_millimetres(const DepthMap& metres) {
  validate(metres, "16-bit PNG");
  Grey16 samples{metres.width, metres.height, std::vector<uint16_t>(metres.values.size())};
  for (size_t i = 0; i < metres.values.size(); ++i) {
    const float m = metres.values[i];
    samples.values[i] = m > 0 ? uint16_t(std::lround(std::min(double(m) * 1000.0, 65535.0))) : 0;  // NaN, ≤ 0: none
  }
  return encode_grey16(samples);
}

void write_png16(const std::string& path, const DepthMap& map) { write_bytes(path, encode_png16(map)); }

}  // namespace dv::depth
