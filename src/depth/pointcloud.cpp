#include "depth/pointcloud.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numbers>
#include <stdexcept>

#include "depth/mesh.h"

namespace dv::depth {

PointCloud build_point_cloud(const DepthMap& depth, const Image& photo, const PointCloudOptions& options) {
  validate(depth, "point cloud");
  validate(photo, "point cloud photo");
  if (depth.width < 2 || depth.height < 2) throw std::invalid_argument("the depth map is too small for a point cloud");
  if (photo.width != depth.width || photo.height != depth.height)
    throw std::invalid_argument("the photo and the depth map differ in size");
  if (!(options.fov_degrees > 1.0f && options.fov_degrees < 179.0f))
    throw std::invalid_argument("the field of view must be between 1 and 179 degrees");
  if (!(options.far_ratio > 1.0f)) throw std::invalid_argument("the far/near ratio must be more than 1");
  const GridSampling grid(depth.width, depth.height, options.max_side);
  const double half_fov = double(options.fov_degrees) * std::numbers::pi / 360.0;
  const double focal = 0.5 * depth.width / std::tan(half_fov);  // pixels
  const double cx = 0.5 * (depth.width - 1), cy = 0.5 * (depth.height - 1);
  const float nearest = 1.0f / options.far_ratio;  // inverse depth of the farthest point
  PointCloud cloud;
  cloud.positions.reserve(size_t(grid.columns) * size_t(grid.rows));
  cloud.colors.reserve(cloud.positions.capacity());
  for (int j = 0; j < grid.rows; ++j)
    for (int i = 0; i < grid.columns; ++i) {
      const int px = grid.pixel_x(i), py = grid.pixel_y(j);
      const size_t at = size_t(py) * size_t(depth.width) + size_t(px);
      const float d = float(quantize_unit(depth.values[at], 1.0));  // NaN: the farthest
      const double distance = 1.0 / (nearest + d * (1.0f - nearest));  // 1 (nearest) .. far_ratio
      cloud.positions.push_back(
          {float((px - cx) / focal * distance), float(-(py - cy) / focal * distance), float(-distance)});
      cloud.colors.push_back({photo.rgb[at * 3], photo.rgb[at * 3 + 1], photo.rgb[at * 3 + 2]});
    }
  return cloud;
}

void write_point_ply(const std::string& path, const PointCloud& cloud) {
  std::ofstream out(path, std::ios::binary);
  out << "ply\nformat binary_little_endian 1.0\ncomment depthview point cloud\n"
      << "element vertex " << cloud.positions.size() << "\n"
      << "property float x\nproperty float y\nproperty float z\n"
      << "property uchar red\nproperty uchar green\nproperty uchar blue\nend_header\n";
  for (size_t i = 0; i < cloud.positions.size(); ++i) {
    out.write(reinterpret_cast<const char*>(cloud.positions[i].data()), 3 * sizeof(float));
    out.write(reinterpret_cast<const char*>(cloud.colors[i].data()), 3);
  }
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace dv::depth
