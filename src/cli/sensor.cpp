#include "cli/sensor.h"

#include <cstdio>
#include <filesystem>
#include <optional>
#include <span>
#include <vector>

#include "depth/evaluate.h"
#include "depth/export.h"
#include "depth/fusion.h"
#include "depth/image.h"
#include "depth/lidar.h"
#include "depth/photo_intrinsics.h"
#include "depth/pointcloud.h"
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
// The sensor's depth in metres on the photo's pixel grid, and the camera it states (the LiDAR's
// calibration; a depth PNG states none).
struct SensorInput {
  depth::DepthMap depth;
  std::optional<depth::CameraIntrinsics> camera;
};

SensorInput sensor_input(const SensorOptions& o, const depth::Image& photo) {
  if (!o.lidar.empty()) {
    const depth::KittiCalibration calib = depth::load_kitti_calibration(o.calib);
    return {depth::project_lidar(depth::load_velodyne(o.lidar), calib, photo.width, photo.height),
            depth::intrinsics(calib, photo.width, photo.height)};
  }
  const depth::SensorDecoding decoding =
      o.preset.empty() ? depth::sensor_scale(1.0 / o.units_per_metre) : depth::sensor_preset(o.preset);
  return {depth::match_photo_size(depth::load_sensor_depth(o.depth, decoding), photo.width, photo.height, o.depth),
          std::nullopt};
}

// The camera for the metric point cloud: the sensor's calibration, else what the photo states,
// else a guess, said so (a wrong field of view bends every plane of the cloud).
depth::CameraIntrinsics point_cloud_camera(const std::optional<depth::CameraIntrinsics>& sensor_camera,
                                           std::span<const uint8_t> photo_bytes, const depth::Image& photo,
                                           const std::string& photo_path) {
  if (sensor_camera) return *sensor_camera;
  if (auto camera = depth::photo_intrinsics(photo_bytes, photo.width, photo.height)) return *camera;
  constexpr double kDefaultFov = 60.0;
  std::printf("note: %s states no camera intrinsics (no Dynamic Depth imaging model or EXIF focal length): the point "
              "cloud assumes a %.0f° horizontal field of view\n",
              photo_path.c_str(), kDefaultFov);
  return depth::intrinsics_from_fov(kDefaultFov, photo.width, photo.height, "default");
}
}  // namespace

void process_sensor(depth::DepthEstimator& est, const std::string& photo_path, const std::string& out_dir,
                    const SensorOptions& o) {
  const std::vector<uint8_t> photo_bytes = depth::read_file(photo_path);
  const depth::Image photo = depth::decode_image(photo_bytes, photo_path);
  const SensorInput sensor = sensor_input(o, photo);
  const auto result = est.run(photo);
  const depth::DepthMap model = depth::model_inverse_depth(result.model_output, est.info().output, photo.width, photo.height);
  const auto fused = depth::fuse_depth(sensor.depth, model);
  const auto m = depth::evaluate_depth(result.model_output, est.info().output, sensor.depth);
  const depth::CameraIntrinsics camera = point_cloud_camera(sensor.camera, photo_bytes, photo, photo_path);

  const std::string stem = (fs::path(out_dir) / fs::path(photo_path).stem()).string() + "_fused";
  depth::write_pfm(stem + ".pfm", fused.depth);
  depth::write_bytes(stem + "_mm.png", depth::encode_png16_millimetres(fused.depth));
  depth::write_png8(stem + "_confidence.png", fused.confidence);
  depth::write_point_ply(stem + ".ply", depth::build_metric_point_cloud(fused.depth, photo, camera));
  std::printf("%s: %s, %zu sensor pixels (%.1f%%)\n", photo_path.c_str(), est.info().label().c_str(), m.valid_pixels,
              100.0 * double(m.valid_pixels) / double(sensor.depth.values.size()));
  std::printf("model vs sensor (scale and shift fitted): AbsRel %.4f  d1 %.4f\n", m.abs_rel, m.delta1);
  std::printf("fused: %s\n", fused.summary().c_str());
  std::printf("camera: %s, %.1f° horizontal field of view\n", camera.source.c_str(), camera.horizontal_fov_degrees());
  std::printf("-> %s.pfm (metres), %s_mm.png (16-bit, millimetres), %s_confidence.png, %s.ply (points, metres)\n",
              stem.c_str(), stem.c_str(), stem.c_str(), stem.c_str());
  std::fflush(stdout);
}

}  // namespace dv::cli
