// Photo → model input tensor.
#pragma once

#include <vector>

#include "depth/image.h"

namespace dv::depth {

// Applied to x/255 per channel: (x/255 - mean) / std.
struct Normalization {
  float mean[3] = {0.0f, 0.0f, 0.0f};
  float std[3] = {1.0f, 1.0f, 1.0f};
  static Normalization unit() { return {}; }  // x/255 (FastDepth, PyDNet++)
  static Normalization imagenet() { return {{0.485f, 0.456f, 0.406f}, {0.229f, 0.224f, 0.225f}}; }
};

// Resizes the photo to width×height (bilinear) and returns a 1x3xHxW float tensor.
std::vector<float> to_tensor(const Image& img, int width, int height, const Normalization& norm);

// The photo at width x height (stb_image_resize; throws ImageError for a size that is not positive).
Image resize_image(const Image& img, int width, int height);

}  // namespace dv::depth
