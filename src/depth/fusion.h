// Sensor depth + the model's relative depth → dense metric depth (issue 18, "Fusion").
//
//  1. Global fit: the model's inverse depth x against the sensor's 1 / depth, s·x + t, by
//     iteratively reweighted least squares (Tukey biweight on the relative residual, so near and
//     far samples count alike and outliers not at all).
//  2. Local correction: the log ratio of sensor to fitted inverse depth at the samples, spread by a
//     bilateral grid over (x, y, log fitted depth): smooth in the image, but not across the model's
//     depth edges. Coarse to fine, each level falling back on the coarser one where it has no
//     samples. How fine, and whether at all, is chosen by cross-validation on the samples (held out
//     in tiles about as wide as the holes), so it is used only when it measures better.
//     A last step may carry the nearest sample's depth over, moved by the corrected prediction's
//     change from there (limited; at a dense sensor this beats the grid), chosen the same way.
//  3. The sensor is kept where it is valid; the holes take the corrected prediction, clipped to
//     the measured depth range widened by 1.25 (the evaluation protocol clips to the range).
// Confidence: 1 at sensor pixels, decaying with the distance to the nearest sample and at the
// model's depth edges.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "depth/image.h"
#include "depth/metrics.h"
#include "depth/postprocess.h"

namespace dv::depth {

// The model's raw output (its own units and size) → relative inverse depth (larger = nearer) at
// width x height: bilinear resize, then 1 / depth where the model predicts depth (as the
// evaluation protocol does).
DepthMap model_inverse_depth(const DepthMap& model_output, OutputKind kind, int width, int height);

// For each pixel, the nearest pixel with a valid (> 0) value and the distance to it (exact
// Euclidean distance transform, Felzenszwalb & Huttenlocher). No valid pixel: index -1, distance inf.
struct NearestSamples {
  int width = 0, height = 0;
  std::vector<int32_t> index;
  std::vector<float> distance;
};
NearestSamples nearest_samples(const DepthMap& sparse);
// Every pixel takes the value of its nearest valid pixel (the sensor-only baseline).
DepthMap fill_nearest(const DepthMap& sparse);

struct FusionOptions {
  bool local_correction = true;  // false: the global fit only
  int folds = 4;                 // cross-validation folds that decide the correction's scale
  float range_sigma = 0.15f;     // bilateral grid cell along log depth (0.15 ≈ 16 % depth)
  float prior_weight = 0.02f;     // in samples: a grid level with less weight leans on the coarser one
  uint32_t seed = 1;             // fold assignment of tiles
};

struct FusionResult {
  DepthMap depth;       // metres, dense, > 0
  DepthMap confidence;  // [0, 1]
  LineFit fit;          // fitted inverse depth = fit.scale * model + fit.shift
  size_t samples = 0, inliers = 0;
  float correction_cell = 0;     // finest grid cell in pixels (0: no grid correction)
  float transport_limit = -1;     // ≥ 0: the nearest sample's depth moved by the prediction's change, within this (log depth)
  double cv_global = 0, cv_fused = 0;  // cross-validated AbsRel of the global fit and of the chosen correction
  std::string summary() const;
};

// sensor: metres (0 = none) at the model map's size; model_inverse: larger = nearer, any scale.
// Throws std::invalid_argument for maps of different sizes and std::runtime_error when fewer
// than kMinFusionSamples sensor pixels are valid.
constexpr size_t kMinFusionSamples = 10;
FusionResult fuse_depth(const DepthMap& sensor, const DepthMap& model_inverse, const FusionOptions& options = {});

}  // namespace dv::depth
