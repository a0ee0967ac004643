#include "depth/pointcloud.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <stdexcept>

#include "depth/mesh.h"

namespace dv::depth {

namespace {

void check_inputs(const DepthMap& depth, const Image& photo) {
  validate(depth, "point cloud");
  validate(photo, "point cloud photo");
  if (depth.width < 2 || depth.height < 2) throw std::invalid_argument("the depth map is too small for a point cloud");
  if (photo.width != depth.width || photo.height != depth.height)
    throw std::invalid_argument("the photo and the depth map differ in size");
}

// Every grid sample through the camera (the map's size) to the depth `depth_at(pixel index)`
// gives it along the optical axis; samples whose depth is not positive are left out.
template <class DepthAt>
PointCloud sample_cloud(const DepthMap& map, const Image& photo, const CameraIntrinsics& camera, int max_side,
                        DepthAt depth_at) {
  const GridSampling grid(map.width, map.height, max_side);
  PointCloud cloud;
  cloud.positions.reserve(size_t(grid.columns) * size_t(grid.rows));
  cloud.colors.reserve(cloud.positions.capacity());
  for (int j = 0; j < grid.rows; ++j)
    for (int i = 0; i < grid.columns; ++i) {
      const int px = grid.pixel_x(i), py = grid.pixel_y(j);
      const size_t at = size_t(py) * size_t(map.width) + size_t(px);
      const double depth = depth_at(at);
      if (!(depth > 0 && std::isfinite(depth))) continue;
      cloud.positions.push_back(back_project(camera, px, py, depth));
      cloud.colors.push_back({photo.rgb[at * 3], photo.rgb[at * 3 + 1], photo.rgb[at * 3 + 2]});
    }
  return cloud;
}

}  // namespace

PointCloud build_point_cloud(const DepthMap& depth, const Image& photo, const PointCloudOptions& options) {
  check_inputs(depth, photo);
  if (!(options.fov_degrees > 1.0f && options.fov_degrees < 179.0f))
    throw std::invalid_argument("the field of view must be between 1 and 179 degrees");
  if (!(options.far_ratio > 1.0f)) throw std::invalid_argument("the far/near ratio must be more than 1");
  const CameraIntrinsics camera = intrinsics_from_fov(options.fov_degrees, depth.width, depth.height, "--fov");
  const float nearest = 1.0f / options.far_ratio;  // inverse depth of the farthest point
  return sample_cloud(depth, photo, camera, options.max_side, [&](size_t at) {
    const float d = float(quantize_unit(depth.values[at], 1.0));  // NaN: the farthest
    return 1.0 / (nearest + d * (1.0f - nearest));                // 1 (nearest) .. far_ratio
  });
}

PointCloud build_metric_point_cloud(const DepthMap& metres, const Image& photo, const CameraIntrinsics& camera,
                                    int max_side) {
  check_inputs(metres, photo);
  if (!camera.valid()) throw std::invalid_argument("the camera intrinsics are not valid (focal lengths must be positive)");
  if (!same_aspect(camera.width, camera.height, metres.width, metres.height))
    throw std::invalid_argument("the camera intrinsics are for a " + std::to_string(camera.width) + "x" +
                                std::to_string(camera.height) + " image, not of the depth map's aspect (" +
                                std::to_string(metres.width) + "x" + std::to_string(metres.height) + ")");
  const CameraIntrinsics fitted = camera.scaled_to(metres.width, metres.height);
  PointCloud cloud =
      sample_cloud(metres, photo, fitted, max_side, [&](size_t at) { return double(metres.values[at]); });
  cloud.metres = true;
  return cloud;
}

void write_point_ply(const std::string& path, const PointCloud& cloud) {
  std::ofstream out(path, std::ios::binary);
  out << "ply\nformat binary_little_endian 1.0\ncomment depthview point cloud\n"
      << (cloud.metres ? "comment units metres\n" : "") << "element vertex " << cloud.positions.size() << "\n"
      << "property float x\nproperty float y\nproperty float z\n"
      << "property uchar red\nproperty uchar green\nproperty uchar blue\nend_header\n";
  for (size_t i = 0; i < cloud.positions.size(); ++i) {
    out.write(reinterpret_cast<const char*>(cloud.positions[i].data()), 3 * sizeof(float));
    out.write(reinterpret_cast<const char*>(cloud.colors[i].data()), 3);
  }
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace dv::depth
