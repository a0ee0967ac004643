#include "depth/camera_intrinsics.h"

#include <cmath>
#include <numbers>
#include <stdexcept>
#include <utility>

#include "depth/orientation.h"

namespace dv::depth {

namespace {
double degrees(double radians) { return radians * 180.0 / std::numbers::pi; }

// The field of view across `pixels` for a focal length in pixels.
double fov_degrees(double pixels, double focal) { return degrees(2.0 * std::atan(0.5 * pixels / focal)); }

// A pixel-centre coordinate on an axis resized by `scale`: edges, not centres, scale.
double rescale(double coordinate, double scale) { return (coordinate + 0.5) * scale - 0.5; }
}  // namespace

bool CameraIntrinsics::valid() const {
  return std::isfinite(fx) && std::isfinite(fy) && fx > 0 && fy > 0 && std::isfinite(cx) && std::isfinite(cy) &&
         width > 0 && height > 0;
}

double CameraIntrinsics::horizontal_fov_degrees() const { return fov_degrees(width, fx); }

double CameraIntrinsics::vertical_fov_degrees() const { return fov_degrees(height, fy); }

CameraIntrinsics CameraIntrinsics::scaled_to(int new_width, int new_height) const {
  if (!valid() || new_width <= 0 || new_height <= 0)
    throw std::invalid_argument("camera intrinsics: cannot scale an invalid camera or to an empty image");
  const double sx = double(new_width) / width, sy = double(new_height) / height;
  return {fx * sx, fy * sy, rescale(cx, sx), rescale(cy, sy), new_width, new_height, source};
}

CameraIntrinsics CameraIntrinsics::rotated(int exif_orientation) const {
  CameraIntrinsics out = *this;
  const PixelPoint centre = upright_point(exif_orientation, {cx, cy}, width, height);
  out.cx = centre.x;
  out.cy = centre.y;
  if (exif_orientation >= 5 && exif_orientation <= 8) {  // the stored x axis becomes the upright y axis
    std::swap(out.fx, out.fy);
    std::swap(out.width, out.height);
  }
  return out;
}

CameraIntrinsics centred_camera(double fx, double fy, int width, int height, std::string source) {
  return {fx, fy, 0.5 * (width - 1), 0.5 * (height - 1), width, height, std::move(source)};
}

CameraIntrinsics intrinsics_from_fov(double horizontal_fov_degrees, int width, int height, std::string source) {
  if (!(horizontal_fov_degrees > 0 && horizontal_fov_degrees < 180) || width <= 0 || height <= 0)
    throw std::invalid_argument("camera intrinsics: the field of view must be between 0 and 180 degrees and the image not empty");
  const double focal = 0.5 * width / std::tan(horizontal_fov_degrees * std::numbers::pi / 360.0);
  return centred_camera(focal, focal, width, height, std::move(source));
}

bool same_aspect(double width_a, double height_a, double width_b, double height_b) {
  return std::abs(width_a * height_b / (height_a * width_b) - 1.0) < 0.01;
}

std::array<float, 3> back_project(const CameraIntrinsics& c, double px, double py, double depth) {
  return {float((px - c.cx) / c.fx * depth), float(-(py - c.cy) / c.fy * depth), float(-depth)};
}

}  // namespace dv::depth
