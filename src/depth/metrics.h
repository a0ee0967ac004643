// Accuracy of metric depth against ground truth (AbsRel, δ1) and the least-squares line fit the
// evaluation protocol (evaluate.h) and the sensor fusion (fusion.h) share. Both builds.
#pragma once

#include <cstddef>
#include <span>

#include "depth/postprocess.h"

namespace dv::depth {

struct EvalMetrics {
  double abs_rel = 0, delta1 = 0;
  size_t valid_pixels = 0;
};

// Over the pixels where ground_truth > 0 (both maps in metres, the same size): AbsRel =
// mean |d − gt| / gt, δ1 = share with max(d / gt, gt / d) < 1.25. A prediction that is not a
// positive number counts as d = 0 (AbsRel 1, not within δ1). No valid pixel: all zeros.
EvalMetrics depth_metrics(const DepthMap& depth, const DepthMap& ground_truth);

// y ≈ scale * x + shift minimising Σ w (scale x + shift − y)² (w = 1 when weights is empty).
// Fewer than two distinct x: scale 0, shift the weighted mean of y.
struct LineFit {
  double scale = 0, shift = 0;
};
LineFit fit_line(std::span<const double> x, std::span<const double> y, std::span<const double> weights = {});

}  // namespace dv::depth
