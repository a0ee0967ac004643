// The photo as a coloured point cloud: each sample is pushed along its camera ray to a distance
// taken from the relative inverse depth, through a pinhole camera with a chosen field of view.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "depth/image.h"
#include "depth/postprocess.h"

namespace dv::depth {

struct PointCloudOptions {
  int max_side = 1024;          // samples along the longer side
  float fov_degrees = 60.0f;    // horizontal field of view of the camera that took the photo
  float far_ratio = 10.0f;      // relative depth has no scale: the farthest point is this many
                                // times farther than the nearest
};

struct PointCloud {
  std::vector<std::array<float, 3>> positions;  // camera at the origin looking down -z, y up
  std::vector<std::array<uint8_t, 3>> colors;
};

// depth: normalised [0, 1], bright = near; photo: the same size as depth.
PointCloud build_point_cloud(const DepthMap& depth, const Image& photo, const PointCloudOptions& options = {});

// Binary little-endian PLY: x y z (float) red green blue (uchar).
void write_point_ply(const std::string& path, const PointCloud& cloud);

}  // namespace dv::depth
