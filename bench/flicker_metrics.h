// Measures shared by the flicker benchmarks (flicker.cpp: clips made from a photo; video_bench.cpp:
// a real clip and the RGB-D sequences).
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

#include "depth/temporal.h"

namespace dv::bench {

// 1st..99th percentile spread: the range of a depth map, robust to a few extreme pixels.
inline double robust_range(std::vector<float> v) {
  const auto at = [&](size_t k) {
    std::nth_element(v.begin(), v.begin() + long(k), v.end());
    return double(v[k]);
  };
  return at(v.size() * 99 / 100) - at(v.size() / 100);
}

// Mean |a_i − b_i| (a first fitted to b by least squares when `aligned`), relative to b's range.
inline double relative_difference(const std::vector<float>& a, const std::vector<float>& b, bool aligned) {
  const auto fit = aligned ? dv::depth::robust_linear_fit(a, b, 0) : dv::depth::LinearFit{};
  double sum = 0;
  for (size_t i = 0; i < a.size(); ++i) sum += std::abs(fit.scale * a[i] + fit.shift - b[i]);
  return sum / double(a.size()) / robust_range(b);
}

}  // namespace dv::bench
