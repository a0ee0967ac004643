// Model output → the common depth map: relative inverse depth ("bright = near") in [0, 1] at the
// photo's resolution.
#pragma once

#include <vector>

namespace dv::depth {

// What a model's output means (models/models.json "output").
enum class OutputKind {
  MetricDepth,           // metres, larger = farther (FastDepth)
  RelativeDepth,         // unitless, larger = farther (PyDNet++)
  RelativeInverseDepth,  // disparity-like, larger = nearer (MiDaS, Depth Anything)
};

struct DepthMap {
  int width = 0, height = 0;
  std::vector<float> values;  // row-major
};

// Throws std::invalid_argument naming `what` unless the map has a positive size and exactly
// width * height values. Every exporter checks its input with it.
void validate(const DepthMap& map, const char* what = "depth map");

// A [0, 1] depth value to an integer level 0..max (NaN counts as 0, out-of-range values clip).
inline double quantize_unit(float v, double max) { return v > 0.0f ? (v < 1.0f ? double(v) * max : max) : 0.0; }

// Bilinear resize (stb_image_resize, triangle filter, float).
DepthMap resize(const DepthMap& map, int width, int height);

// Depth → inverse depth where needed, so larger always means nearer.
void to_inverse_depth(DepthMap& map, OutputKind kind);

struct NormalizeOptions {
  float low_percentile = 0.01f, high_percentile = 0.99f;  // robust range: clip outliers
  bool invert = false;                                     // bright = far instead
};

// Maps the robust range to [0, 1] (clipped). A flat map becomes all 0.
void normalize(DepthMap& map, const NormalizeOptions& options = {});

}  // namespace dv::depth
