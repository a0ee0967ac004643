// Measured depth beside the model's in the viewer: the photo's own camera depth (Dynamic Depth,
// GDepth, HEIC depth) or a sensor depth file given with the photo (an RGB-D pair), fused with the
// model and compared with it (depth/sensor_views.h). Runs on the depth job's worker thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "depth/image.h"
#include "depth/model_catalog.h"
#include "depth/pipeline.h"
#include "depth/sensor_depth.h"
#include "depth/sensor_views.h"

namespace dv::app {

// A depth file dropped with the photo and how its samples read.
struct SensorInput {
  std::vector<uint8_t> bytes;
  std::string name;
  depth::SensorDecoding decoding;
};

struct MeasuredDepth {
  std::string source;      // for the panel: "camera: Dynamic Depth (...)", "sensor: d.png, TUM (...)"
  bool metric = false;     // metres; false: the camera file's own units
  depth::DepthMap sensor;  // at the working size (kMeasuredSide), 0 = no measurement
  depth::SensorViews views;
  double ms = 0;           // reading, fusing and comparing
};

// Fusion runs on at most this many pixels along the longer side: measured maps are at most
// this fine (phones store 768x576 .. 2024x2688), and fusion's time grows with the pixels.
constexpr int kMeasuredSide = 1024;

// The sensor file if there is one, else the photo's camera depth; nullopt when there is neither.
// Throws depth::ImageError for a damaged or mismatched depth map (the photo itself is fine).
std::optional<MeasuredDepth> read_measured_depth(const std::vector<uint8_t>& photo_bytes, const depth::Image& photo,
                                                 const std::optional<SensorInput>& sensor, const std::string& name);

// Fuses the model's output with the measurement and fills views. Throws like fuse_depth (too few
// measured pixels).
void compare_with_model(MeasuredDepth& measured, const depth::DepthEstimate& estimate, depth::OutputKind kind);

}  // namespace dv::app
