// What the viewer shows when a photo has measured depth (the camera's own, an RGB-D sensor's, a
// LiDAR scan's) besides the model's: the fusion of both, the model fitted to the measurement, and
// where and how much the model is wrong (the error view: |model − sensor| / sensor, AbsRel, δ1).
#pragma once

#include "depth/fusion.h"
#include "depth/metrics.h"
#include "depth/postprocess.h"

namespace dv::depth {

struct SensorViews {
  FusionResult fused;       // fused.depth: the dense metric depth
  DepthMap model_fitted;    // the model through the fusion's global fit, in the sensor's units
  DepthMap relative_error;  // |model_fitted − sensor| / sensor where the sensor measured, NaN elsewhere
  EvalMetrics metrics;      // model_fitted against the sensor
};

// sensor and model_inverse as for fuse_depth (same size; the sensor 0 where it has nothing).
// Throws like fuse_depth.
SensorViews sensor_views(const DepthMap& sensor, const DepthMap& model_inverse);

// The model's inverse depth through a fit (1 / (scale·x + shift)), clipped to [lo, hi] where the
// line gives no positive inverse depth or leaves the range.
DepthMap fitted_depth(const DepthMap& model_inverse, const LineFit& fit, float lo, float hi);

// Larger = nearer in [0, 1], linear in inverse depth between the map's robust near and far
// (1st and 99th percentiles of its valid samples); 0 where it has no depth. *near/*far get them.
DepthMap normalized_inverse_depth(const DepthMap& depth, float* near = nullptr, float* far = nullptr);

}  // namespace dv::depth
