#include "depth/preprocess.h"

#define STB_IMAGE_RESIZE_IMPLEMENTATION
#include <stb/stb_image_resize.h>

namespace dv::depth {

Image resize_image(const Image& img, int width, int height) {
  if (width <= 0 || height <= 0) throw ImageError("invalid image size " + std::to_string(width) + "x" + std::to_string(height));
  if (width == img.width && height == img.height) return img;
  Image out{width, height, std::vector<uint8_t>(size_t(width) * size_t(height) * 3)};
  if (!stbir_resize_uint8(img.rgb.data(), img.width, img.height, 0, out.rgb.data(), width, height, 0, 3))
    throw ImageError("cannot resize the image");
  return out;
}

std::vector<float> to_tensor(const Image& img, int width, int height, const Normalization& norm) {
  if (width <= 0 || height <= 0) throw ImageError("invalid model input size");
  const std::vector<uint8_t> resized = resize_image(img, width, height).rgb;
  const size_t plane = size_t(width) * size_t(height);
  std::vector<float> t(plane * 3);
  for (size_t i = 0; i < plane; ++i)
    for (size_t c = 0; c < 3; ++c) t[c * plane + i] = (resized[i * 3 + c] / 255.0f - norm.mean[c]) / norm.std[c];
  return t;
}

}  // namespace dv::depth
