#include "depth/metrics.h"

#include <cmath>
#include <stdexcept>

namespace dv::depth {

EvalMetrics depth_metrics(const DepthMap& depth, const DepthMap& ground_truth) {
  if (depth.values.size() != ground_truth.values.size() || depth.width != ground_truth.width)
    throw std::invalid_argument("depth metrics: the prediction and the ground truth differ in size");
  EvalMetrics m;
  for (size_t i = 0; i < depth.values.size(); ++i) {
    const double g = ground_truth.values[i];
    if (!(g > 0) || !std::isfinite(g)) continue;
    const double d = depth.values[i] > 0 && std::isfinite(depth.values[i]) ? depth.values[i] : 0.0;
    m.abs_rel += std::abs(d - g) / g;
    m.delta1 += d > 0 && std::max(d / g, g / d) < 1.25 ? 1 : 0;
    ++m.valid_pixels;
  }
  if (m.valid_pixels > 0) m.abs_rel /= double(m.valid_pixels), m.delta1 /= double(m.valid_pixels);
  return m;
}

LineFit fit_line(std::span<const double> x, std::span<const double> y, std::span<const double> weights) {
  double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double w = weights.empty() ? 1.0 : weights[i];
    n += w, sx += w * x[i], sy += w * y[i], sxx += w * x[i] * x[i], sxy += w * x[i] * y[i];
  }
  if (!(n > 0)) return {};
  // Centred form: det / n² is the weighted variance of x, exactly 0 when all x are equal.
  const double var = sxx / n - (sx / n) * (sx / n), cov = sxy / n - (sx / n) * (sy / n);
  const double scale = var > 1e-12 * (sxx / n) ? cov / var : 0.0;
  return {scale, (sy - scale * sx) / n};
}

}  // namespace dv::depth
