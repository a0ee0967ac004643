// The pinhole camera of a photo: focal lengths and principal point in pixels, so depth in metres
// can be turned into 3D points in metres. Where the numbers come from (EXIF, Dynamic Depth, a
// KITTI calibration) is photo_intrinsics.h's and lidar.h's business; this is the geometry.
#pragma once

#include <array>
#include <string>

namespace dv::depth {

// Pixel coordinates put pixel centres on integers (OpenCV's and KITTI's convention): the image
// centre is ((width − 1) / 2, (height − 1) / 2). All in pixels of an upright width × height image.
struct CameraIntrinsics {
  double fx = 0, fy = 0, cx = 0, cy = 0;
  int width = 0, height = 0;
  std::string source;  // where the numbers came from, for messages ("EXIF 35 mm focal length", …)

  // Positive, finite focal lengths and size: every other member may divide by them.
  bool valid() const;
  double horizontal_fov_degrees() const;
  double vertical_fov_degrees() const;
  // The same camera for the image resized to new_width × new_height (each axis by its own factor).
  CameraIntrinsics scaled_to(int new_width, int new_height) const;
  // Intrinsics given for the pixels as stored, for the photo turned upright by an EXIF
  // orientation (1..8; anything else: unchanged). 5..8 swap the axes and the focal lengths.
  CameraIntrinsics rotated(int exif_orientation) const;
};

// A camera whose optical axis meets the image centre (what EXIF-only cameras are taken to be).
CameraIntrinsics centred_camera(double fx, double fy, int width, int height, std::string source);
// A centred camera with square pixels and the given horizontal field of view (0 < fov < 180).
CameraIntrinsics intrinsics_from_fov(double horizontal_fov_degrees, int width, int height, std::string source);

// Whether two image sizes have the same aspect ratio, to 1% (resizing rounds sides to whole pixels).
bool same_aspect(double width_a, double height_a, double width_b, double height_b);

// The point at `depth` along the optical axis seen at pixel (px, py): camera at the origin looking
// down −z, x right, y up (the point clouds' frame); depth in any unit, the point in the same.
std::array<float, 3> back_project(const CameraIntrinsics& camera, double px, double py, double depth);

}  // namespace dv::depth
