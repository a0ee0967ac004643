// depthview PHOTO --sensor DEPTH.png (--sensor-scale N | --sensor-preset P) and
// depthview PHOTO --lidar SCAN.bin --calib CALIB.txt: the model's depth fused with the sensor's
// (depth/fusion.h) in metres, and how the model alone compares with the sensor.
#pragma once

#include <string>

#include "depth/pipeline.h"

namespace dv::cli {

struct SensorOptions {
  std::string depth;         // --sensor: 16-bit depth PNG/PGM
  double units_per_metre = 0;  // --sensor-scale: value / N = metres (TUM: 5000)
  std::string preset;        // --sensor-preset: tum, mm, kitti, sunrgbd, nyu
  std::string lidar, calib;  // --lidar scan.bin --calib calib.txt (KITTI)
  bool active() const { return !depth.empty() || !lidar.empty(); }
};

// Empty when the options make sense; else the one error to print.
std::string check(const SensorOptions& options, size_t photos);

// Writes OUT/NAME_fused.pfm (metres), OUT/NAME_fused_mm.png (16-bit, millimetres),
// OUT/NAME_fused_confidence.png (8-bit, 255 = sensor pixel) and OUT/NAME_fused.ply (the coloured
// point cloud in metres through the camera of --calib, else the photo's own, else a 60° guess); prints the model's AbsRel / δ1 against
// the sensor (evaluation protocol) and the fit. Throws with the reason.
void process_sensor(depth::DepthEstimator& estimator, const std::string& photo, const std::string& out_dir,
                    const SensorOptions& options);

}  // namespace dv::cli
