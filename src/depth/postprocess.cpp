#include "depth/postprocess.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include <stb/stb_image_resize.h>  // implementation compiled in preprocess.cpp

namespace dv::depth {

void validate(const DepthMap& map, const char* what) {
  if (map.width <= 0 || map.height <= 0 || map.values.size() != size_t(map.width) * size_t(map.height))
    throw std::invalid_argument(std::string(what) + ": " + std::to_string(map.width) + "x" +
                                std::to_string(map.height) + " with " + std::to_string(map.values.size()) +
                                " values is not a valid depth map");
}

DepthMap resize(const DepthMap& map, int width, int height) {
  validate(map, "resize");
  if (width <= 0 || height <= 0) throw std::invalid_argument("resize: the target size must be positive");
  DepthMap out{width, height, std::vector<float>(size_t(width) * size_t(height))};
  // Triangle filter: bilinear when enlarging, a tent average when shrinking (as PIL's BILINEAR,
  // which the evaluation protocol's reference uses).
  if (!stbir_resize_float_generic(map.values.data(), map.width, map.height, 0, out.values.data(), width, height, 0, 1,
                                  STBIR_ALPHA_CHANNEL_NONE, 0, STBIR_EDGE_CLAMP, STBIR_FILTER_TRIANGLE,
                                  STBIR_COLORSPACE_LINEAR, nullptr))
    throw std::runtime_error("resize: out of memory");
  return out;
}

void to_inverse_depth(DepthMap& map, OutputKind kind) {
  if (kind == OutputKind::RelativeInverseDepth) return;
  // Zero or negative depth means "no value": keep it the farthest (smallest inverse depth).
  for (float& v : map.values) v = v > 1e-6f ? 1.0f / v : 0.0f;
}

namespace {
float percentile(std::vector<float>& values, float p) {
  const size_t k = std::min(values.size() - 1, size_t(std::lround(p * float(values.size() - 1))));
  std::nth_element(values.begin(), values.begin() + std::ptrdiff_t(k), values.end());
  return values[k];
}

// Percentiles of a large map from an evenly strided sample of about a million values: the same
// range to well under a percent, at a fraction of the cost for multi-megapixel photos.
std::vector<float> sample_of(const std::vector<float>& values) {
  const size_t stride = std::max<size_t>(1, values.size() / 1'000'000);
  std::vector<float> sample;
  sample.reserve(values.size() / stride + 1);
  for (size_t i = 0; i < values.size(); i += stride) sample.push_back(values[i]);
  return sample;
}
}  // namespace

void normalize(DepthMap& map, const NormalizeOptions& options) {
  if (map.values.empty()) return;
  std::vector<float> sample = sample_of(map.values);
  const float lo = percentile(sample, options.low_percentile);
  const float hi = percentile(sample, options.high_percentile);
  const float span = hi - lo;
  for (float& v : map.values) {
    float n = span > 0.0f && std::isfinite(v) ? std::clamp((v - lo) / span, 0.0f, 1.0f) : 0.0f;
    if (options.invert) n = 1.0f - n;
    v = n;
  }
}

}  // namespace dv::depth
