#include "depth/image.h"

#include <fstream>
#include <memory>

#define STB_IMAGE_IMPLEMENTATION
#define STBI_FAILURE_USERMSG
#include <stb/stb_image.h>

namespace dv::depth {

Image decode_image(std::span<const uint8_t> bytes, const std::string& name) {
  if (bytes.empty()) throw ImageError(name + ": the file is empty");
  int w = 0, h = 0, channels = 0;
  std::unique_ptr<stbi_uc, void (*)(void*)> pixels(
      stbi_load_from_memory(bytes.data(), int(bytes.size()), &w, &h, &channels, 3), stbi_image_free);
  if (!pixels) throw ImageError(name + ": cannot decode (" + stbi_failure_reason() + ")");
  Image img;
  img.width = w;
  img.height = h;
  img.rgb.assign(pixels.get(), pixels.get() + size_t(w) * size_t(h) * 3);
  return img;
}

Image load_image(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ImageError(path + ": cannot open the file");
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
  return decode_image(bytes, path);
}

}  // namespace dv::depth
