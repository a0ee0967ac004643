#include "depth/image.h"

#include <climits>
#include <cstdint>
#include <fstream>
#include <memory>

#define STB_IMAGE_IMPLEMENTATION
#define STBI_FAILURE_USERMSG
#include <stb/stb_image.h>

namespace dv::depth {

Image decode_image(std::span<const uint8_t> bytes, const std::string& name, uint64_t max_pixels) {
  if (bytes.empty()) throw ImageError(name + ": the file is empty");
  if (bytes.size() > size_t(INT32_MAX)) throw ImageError(name + ": the file is larger than 2 GB");
  int w = 0, h = 0, channels = 0;
  // The header alone says how large the image is: refuse huge ones before allocating anything.
  // stb cannot tell an unknown format from a header too large for it (> 1 GiB of pixels): one
  // message covers both.
  if (!stbi_info_from_memory(bytes.data(), int(bytes.size()), &w, &h, &channels))
    throw ImageError(name + ": not a supported image (JPEG, PNG, BMP, GIF, PNM, TGA, PSD, HDR), or its header is "
                            "corrupt or claims a size too large to decode");
  if (w <= 0 || h <= 0) throw ImageError(name + ": the image is empty (" + std::to_string(w) + "x" + std::to_string(h) + ")");
  const uint64_t pixel_count = uint64_t(w) * uint64_t(h);
  if (pixel_count > max_pixels)
    throw ImageError(name + ": the image is " + std::to_string(w) + "x" + std::to_string(h) + " (" +
                     std::to_string(pixel_count / 1'000'000) + " MP), more than the limit of " +
                     std::to_string(max_pixels / 1'000'000) + " MP");
  std::unique_ptr<stbi_uc, void (*)(void*)> pixels(
      stbi_load_from_memory(bytes.data(), int(bytes.size()), &w, &h, &channels, 3), stbi_image_free);
  if (!pixels) throw ImageError(name + ": cannot decode (" + stbi_failure_reason() + ")");
  Image img;
  img.width = w;
  img.height = h;
  img.rgb.assign(pixels.get(), pixels.get() + size_t(w) * size_t(h) * 3);
  return img;
}

Image load_image(const std::string& path, uint64_t max_pixels) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ImageError(path + ": cannot open the file");
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
  return decode_image(bytes, path, max_pixels);
}

}  // namespace dv::depth
