// KITTI LiDAR: a Velodyne scan (velodyne/*.bin) and the frame's calibration (calib/*.txt, object
// benchmark format) → a sparse depth map in the left colour camera's image (image_2).
//
// The file readers (parse_*) turn bytes into numbers and know nothing of depth maps: they can move
// to src/media/ with the other decoders (../shared/design/architecture.md) unchanged.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "depth/camera_intrinsics.h"
#include "depth/postprocess.h"

namespace dv::depth {

// Row-major matrices as the file writes them.
struct KittiCalibration {
  std::array<double, 12> p2{};              // 3x4 projection of the rectified left colour camera
  std::array<double, 9> r0_rect{};          // 3x3 rectifying rotation
  std::array<double, 12> tr_velo_to_cam{};  // 3x4 LiDAR → camera 0
};

// Lines "NAME: v v v …"; rows other than P2, R0_rect and Tr_velo_to_cam are ignored. Throws
// std::runtime_error naming the file and the row that is missing or malformed.
KittiCalibration parse_kitti_calibration(std::string_view text, const std::string& name);
KittiCalibration load_kitti_calibration(const std::string& path);

// The colour camera's intrinsics: P2's K part, for its width × height image (image_2; the
// calibration does not state the size).
CameraIntrinsics intrinsics(const KittiCalibration& calibration, int width, int height);

struct LidarPoint {
  float x = 0, y = 0, z = 0, reflectance = 0;  // metres, LiDAR frame
};
// float32 x, y, z, reflectance per point (little-endian). Throws std::runtime_error naming the file
// unless it is a whole, non-empty number of 16-byte points.
std::vector<LidarPoint> parse_velodyne(std::span<const uint8_t> bytes, const std::string& name);
std::vector<LidarPoint> load_velodyne(const std::string& path);

// Each point through P2 · R0_rect · Tr_velo_to_cam: depth is the homogeneous coordinate (metres
// along camera 2's axis), the pixel the rounded projection; points behind the camera or outside
// the image are dropped and the nearest point wins a pixel (KITTI depth completion's convention;
// ../shared/lidar's derived PNGs equal this to the last 1/256 m). 0 = no point.
DepthMap project_lidar(std::span<const LidarPoint> points, const KittiCalibration& calibration, int width, int height);

}  // namespace dv::depth
