#include "depth/sensor_views.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace dv::depth {

namespace {
bool measured(float v) { return v > 0 && std::isfinite(v); }

float at_fraction(std::vector<float>& v, double fraction) {
  const auto k = v.begin() + std::ptrdiff_t(fraction * double(v.size() - 1));
  std::nth_element(v.begin(), k, v.end());
  return *k;
}
}  // namespace

DepthMap fitted_depth(const DepthMap& model_inverse, const LineFit& fit, float lo, float hi) {
  DepthMap out{model_inverse.width, model_inverse.height, std::vector<float>(model_inverse.values.size())};
  for (size_t i = 0; i < out.values.size(); ++i) {
    const double inverse = fit.scale * double(model_inverse.values[i]) + fit.shift;
    out.values[i] = inverse > 0 ? std::clamp(float(1.0 / inverse), lo, hi) : hi;
  }
  return out;
}

SensorViews sensor_views(const DepthMap& sensor, const DepthMap& model_inverse) {
  SensorViews v;
  v.fused = fuse_depth(sensor, model_inverse);
  float lo = std::numeric_limits<float>::infinity(), hi = 0;
  for (const float s : sensor.values)
    if (measured(s)) lo = std::min(lo, s), hi = std::max(hi, s);
  // The fused holes are clipped to the measured range widened by 1.25 (fusion.h); the same here.
  v.model_fitted = fitted_depth(model_inverse, v.fused.fit, lo / 1.25f, hi * 1.25f);
  v.relative_error = DepthMap{sensor.width, sensor.height,
                              std::vector<float>(sensor.values.size(), std::numeric_limits<float>::quiet_NaN())};
  for (size_t i = 0; i < sensor.values.size(); ++i)
    if (measured(sensor.values[i]))
      v.relative_error.values[i] = std::abs(v.model_fitted.values[i] - sensor.values[i]) / sensor.values[i];
  v.metrics = depth_metrics(v.model_fitted, sensor);
  return v;
}

DepthMap normalized_inverse_depth(const DepthMap& depth, float* near, float* far) {
  std::vector<float> inverse;
  inverse.reserve(depth.values.size());
  for (const float d : depth.values)
    if (measured(d)) inverse.push_back(1.0f / d);
  DepthMap out{depth.width, depth.height, std::vector<float>(depth.values.size(), 0.0f)};
  if (inverse.empty()) return out;
  const float lo = at_fraction(inverse, 0.01), hi = at_fraction(inverse, 0.99);
  if (near) *near = 1.0f / hi;
  if (far) *far = 1.0f / lo;
  if (!(hi > lo)) return out;
  for (size_t i = 0; i < depth.values.size(); ++i)
    if (measured(depth.values[i])) out.values[i] = std::clamp((1.0f / depth.values[i] - lo) / (hi - lo), 0.0f, 1.0f);
  return out;
}

}  // namespace dv::depth
