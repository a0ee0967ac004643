// The photo as a coloured point cloud: each sample is pushed along its camera ray to a distance
// taken from the relative inverse depth, through a pinhole camera with a chosen field of view, or
// to its depth in metres through the photo's own camera (camera_intrinsics.h).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "depth/camera_intrinsics.h"
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
  bool metres = false;  // positions in metres (build_metric_point_cloud), else relative units
};

// depth: normalised [0, 1], bright = near; photo: the same size as depth.
PointCloud build_point_cloud(const DepthMap& depth, const Image& photo, const PointCloudOptions& options = {});

// metres: depth along the optical axis (z) in metres, e.g. fused sensor depth; photo: the same
// size; camera: the photo's intrinsics, at any size of the same aspect (scaled to the map's).
// Samples with a depth ≤ 0 or not finite (no measurement) are left out. Points in metres.
PointCloud build_metric_point_cloud(const DepthMap& metres, const Image& photo, const CameraIntrinsics& camera,
                                    int max_side = 1024);

// Binary little-endian PLY: x y z (float) red green blue (uchar); in the units the cloud was built
// in (relative for build_point_cloud, metres for build_metric_point_cloud: a "units metres"
// comment says so).
void write_point_ply(const std::string& path, const PointCloud& cloud);

}  // namespace dv::depth
