#include "depth/export.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <vector>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>

namespace dv::depth {

void write_png8(const std::string& path, const DepthMap& map) {
  validate(map, path.c_str());
  std::vector<uint8_t> grey(map.values.size());
  std::transform(map.values.begin(), map.values.end(), grey.begin(),
                 [](float v) { return uint8_t(std::lround(quantize_unit(v, 255))); });
  if (!stbi_write_png(path.c_str(), map.width, map.height, 1, grey.data(), map.width))
    throw std::runtime_error("cannot write " + path);
}

void write_png_rgb(const std::string& path, int width, int height, const std::vector<uint8_t>& rgb) {
  validate(Image{width, height, rgb}, path.c_str());
  if (!stbi_write_png(path.c_str(), width, height, 3, rgb.data(), width * 3))
    throw std::runtime_error("cannot write " + path);
}

namespace {

// stb's JPEG of `channels` interleaved samples a pixel, to memory.
std::vector<uint8_t> jpeg_bytes(int width, int height, int channels, const uint8_t* samples, int quality, const char* what) {
  std::vector<uint8_t> out;
  const auto append = [](void* ctx, void* data, int size) {
    auto* v = static_cast<std::vector<uint8_t>*>(ctx);
    v->insert(v->end(), static_cast<uint8_t*>(data), static_cast<uint8_t*>(data) + size);
  };
  if (!stbi_write_jpg_to_func(append, &out, width, height, channels, samples, quality))
    throw std::runtime_error(std::string("cannot encode the ") + what + " as JPEG");
  return out;
}

}  // namespace

std::vector<uint8_t> encode_jpeg(const Image& photo, int quality) {
  validate(photo);
  return jpeg_bytes(photo.width, photo.height, 3, photo.rgb.data(), quality, "photo");
}

std::vector<uint8_t> encode_grey_jpeg(int width, int height, const std::vector<uint8_t>& grey, int quality) {
  if (width <= 0 || height <= 0 || grey.size() != size_t(width) * size_t(height))
    throw std::invalid_argument("grey JPEG: " + std::to_string(width) + "x" + std::to_string(height) + " with " +
                                std::to_string(grey.size()) + " samples is not a valid image");
  return jpeg_bytes(width, height, 1, grey.data(), quality, "grey image");
}

void write_bytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

void write_jpeg(const std::string& path, const Image& photo, int quality) {
  write_bytes(path, encode_jpeg(photo, quality));
}

void write_pfm(const std::string& path, const DepthMap& map) {
  validate(map, path.c_str());
  std::ofstream out(path, std::ios::binary);
  out << "Pf\n" << map.width << " " << map.height << "\n-1.0\n";  // negative scale: little-endian
  for (int y = map.height - 1; y >= 0; --y)
    out.write(reinterpret_cast<const char*>(&map.values[size_t(y) * size_t(map.width)]),
              std::streamsize(size_t(map.width) * sizeof(float)));
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace dv::depth
