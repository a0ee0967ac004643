#include "depth/export_dynamic_depth.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "depth/export.h"
#include "media/write/dynamic_depth_jpeg.h"

namespace dv::depth {

namespace {

void check_size(int width, int height, const char* what) {
  if (uint64_t(width) * uint64_t(height) > kMaxImagePixels)
    throw std::invalid_argument(std::string("Dynamic Depth: the ") + what + " is " + std::to_string(width) + "x" +
                                std::to_string(height) + ", over " + std::to_string(kMaxImagePixels) + " pixels");
}

std::vector<uint8_t> encode_item(const DepthMap& depth, const std::vector<float>& samples, const DynamicDepthOptions& o) {
  if (o.png16) return encode_png16(DepthMap{depth.width, depth.height, samples});
  std::vector<uint8_t> grey(samples.size());
  for (size_t i = 0; i < samples.size(); ++i) grey[i] = uint8_t(std::lround(quantize_unit(samples[i], 255.0)));
  return encode_grey_jpeg(depth.width, depth.height, grey, o.jpeg_quality);
}

}  // namespace

std::vector<float> dynamic_depth_samples(const DepthMap& depth) {
  float lo = INFINITY, hi = -INFINITY;
  for (float v : depth.values)
    if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  const float range = hi > lo ? hi - lo : 1.0f;
  std::vector<float> samples(depth.values.size());
  std::transform(depth.values.begin(), depth.values.end(), samples.begin(),
                 [&](float v) { return std::isfinite(v) && hi > lo ? (hi - v) / range : 0.0f; });
  return samples;
}

std::vector<uint8_t> encode_dynamic_depth_jpeg(const Image& photo, const DepthMap& depth, const DynamicDepthOptions& o) {
  validate(photo);
  validate(depth, "Dynamic Depth");
  check_size(photo.width, photo.height, "photo");
  check_size(depth.width, depth.height, "depth map");
  media::DepthEncoding encoding;
  encoding.format = media::DepthFormat::RangeInverse;
  encoding.near = o.near, encoding.far = o.far, encoding.units = o.units;
  encoding.measure_type = "OpticalAxis";
  const std::vector<uint8_t> item = encode_item(depth, dynamic_depth_samples(depth), o);
  return media::write_dynamic_depth_jpeg(encode_jpeg(photo, o.jpeg_quality), encoding,
                                         o.png16 ? "image/png" : "image/jpeg", item);
}

}  // namespace dv::depth
