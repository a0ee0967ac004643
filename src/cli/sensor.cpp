#include "cli/sensor.h"

#include <cstdio>
#include <filesystem>

#include "depth/evaluate.h"
#include "depth/export.h"
#include "depth/fusion.h"
#include "depth/lidar.h"
#include "depth/sensor_depth.h"

namespace fs = std::filesystem;

namespace dv::cli {

std::string check(const SensorOptions& o, size_t photos) {
  if (!o.depth.empty() && !o.lidar.empty()) return "give --sensor or --lidar, not both";
  if (!o.depth.empty() && (o.units_per_metre > 0) == !o.preset.empty())
    return "--sensor needs one of --sensor-scale N (value / N = metres) and --sensor-preset " +
           std::string("tum|mm|kitti|sunrgbd|nyu");
  if (o.depth.empty() && (o.units_per_metre > 0 || !o.preset.empty())) return "--sensor-scale/--sensor-preset need --sensor";
  if (!o.lidar.empty() && o.calib.empty()) return "--lidar needs --calib (the frame's KITTI calibration file)";
  if (o.lidar.empty() && !o.calib.empty()) return "--calib needs --lidar";
  if (o.active() && photos != 1) return "sensor depth belongs to one photo: give exactly one photo with --sensor or --lidar";
  return "";
}

namespace {
// The sensor's depth in metres on the photo's pixel grid.
depth::DepthMap sensor_depth(const SensorOptions& o, const depth::Image& photo) {
  if (!o.lidar.empty())
    return depth::project_lidar(depth::load_velodyne(o.lidar), depth::load_kitti_calibration(o.calib), photo.width, photo.height);
  const depth::SensorDecoding decoding =
      o.preset.empty() ? depth::sensor_scale(1.0 / o.units_per_metre) : depth::sensor_preset(o.preset);
  return depth::match_photo_size(depth::load_sensor_depth(o.depth, decoding), photo.width, photo.height, o.depth);
}
}  // namespace

void process_sensor(depth::DepthEstimator& est, const std::string& photo_path, const std::string& out_dir,
                    const SensorOptions& o) {
  const depth::Image photo = depth::load_image(photo_path);
  const depth::DepthMap sensor = sensor_depth(o, photo);
  const auto result = est.run(photo);
  const depth::DepthMap model = depth::model_inverse_depth(result.model_output, est.info().output, photo.width, photo.height);
  const auto fused = depth::fuse_depth(sensor, model);
  const auto m = depth::evaluate_depth(result.model_output, est.info().output, sensor);

  const std::string stem = (fs::path(out_dir) / fs::path(photo_path).stem()).string() + "_fused";
  depth::write_pfm(stem + ".pfm", fused.depth);
  depth::write_bytes(stem + "_mm.png", depth::encode_png16_millimetres(fused.depth));
  depth::write_png8(stem + "_confidence.png", fused.confidence);
  std::printf("%s: %s, %zu sensor pixels (%.1f%%)\n", photo_path.c_str(), est.info().label().c_str(), m.valid_pixels,
              100.0 * double(m.valid_pixels) / double(sensor.values.size()));
  std::printf("model vs sensor (scale and shift fitted): AbsRel %.4f  d1 %.4f\n", m.abs_rel, m.delta1);
  std::printf("fused: %s\n", fused.summary().c_str());
  std::printf("-> %s.pfm (metres), %s_mm.png (16-bit, millimetres), %s_confidence.png\n", stem.c_str(), stem.c_str(),
              stem.c_str());
  std::fflush(stdout);
}

}  // namespace dv::cli
