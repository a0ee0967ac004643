#include "depth/photo_intrinsics.h"

#include <algorithm>
#include <cmath>

#if DV_HAVE_CONTAINER
#include "media/container/container_error.h"
#include "media/container/dynamic_depth.h"
#endif

namespace dv::depth {

namespace {

// The diagonal of the 36 × 24 mm frame that 35 mm equivalent focal lengths refer to.
const double kFullFrameDiagonalMm = std::hypot(36.0, 24.0);  // 43.27 mm

// Numbers a file states can be anything: only a camera with a sensible field of view is kept.
std::optional<CameraIntrinsics> usable(const CameraIntrinsics& camera) {
  if (!camera.valid()) return std::nullopt;
  const double h = camera.horizontal_fov_degrees(), v = camera.vertical_fov_degrees();
  if (!(h > 0.1 && h < 179 && v > 0.1 && v < 179)) return std::nullopt;
  return camera;
}

// FocalLengthIn35mmFilm (EXIF 2.3 = CIPA DC-008-2012, tag 0xA405) is "the equivalent focal length
// assuming a 35mm film camera", which CIPA DCG-001 defines by the diagonal angle of view: the
// photo's diagonal stands for the 36 × 24 mm frame's 43.27 mm, whatever the photo's aspect.
// (exiftool's Composite:FOV puts 36 mm on the long side instead: the same only for 3:2 photos. The
// Pixel 8's calibrated imaging model, fx = 2938 px at 3072 × 4080, sides with the diagonal:
// 2833 px, against 2720 px by the long side.)
std::optional<CameraIntrinsics> from_35mm_equivalent(double focal_35mm, int width, int height) {
  const double focal = focal_35mm * std::hypot(double(width), double(height)) / kFullFrameDiagonalMm;
  return usable(centred_camera(focal, focal, width, height, "EXIF 35 mm equivalent focal length"));
}

// Millimetres per FocalPlaneResolutionUnit: 2 inch, 3 cm (EXIF), 4 mm, 5 µm (DNG); 0 for none.
double millimetres_per_unit(int unit) {
  switch (unit) {
    case 2: return 25.4;
    case 3: return 10.0;
    case 4: return 1.0;
    case 5: return 0.001;
    default: return 0.0;
  }
}

// FocalLength in sensor pixels (FocalPlaneXResolution counts the pixels of the image the camera
// wrote, PixelXDimension wide), brought to the photo by the ratio of the long sides, which holds
// whichever way up either is.
std::optional<CameraIntrinsics> from_focal_plane(const ExifTags& tags, int width, int height) {
  const double mm = millimetres_per_unit(tags.focal_plane_resolution_unit);
  if (!(tags.focal_length_mm > 0 && tags.focal_plane_x_resolution > 0 && mm > 0)) return std::nullopt;
  const int camera_long_side = std::max(tags.pixel_x_dimension, tags.pixel_y_dimension);
  const double scale = camera_long_side > 0 ? double(std::max(width, height)) / camera_long_side : 1.0;
  const double focal = tags.focal_length_mm * tags.focal_plane_x_resolution / mm * scale;
  return usable(centred_camera(focal, focal, width, height, "EXIF focal length and focal plane resolution"));
}

#if DV_HAVE_CONTAINER
std::optional<CameraIntrinsics> dynamic_depth_intrinsics(std::span<const uint8_t> photo, int orientation, int width,
                                                         int height) {
  try {
    const std::optional<media::ImagingModel> model = media::read_imaging_model(photo);
    if (model) return imaging_model_intrinsics(*model, orientation, width, height);
  } catch (const media::ContainerError&) {
    // Damaged Dynamic Depth metadata: the EXIF may still say what the camera was.
  }
  return std::nullopt;
}
#endif

}  // namespace

std::optional<CameraIntrinsics> exif_intrinsics(const ExifTags& tags, int width, int height) {
  if (width <= 0 || height <= 0) return std::nullopt;
  if (tags.focal_length_35mm > 0) return from_35mm_equivalent(tags.focal_length_35mm, width, height);
  return from_focal_plane(tags, width, height);
}

#if DV_HAVE_CONTAINER
std::optional<CameraIntrinsics> imaging_model_intrinsics(const media::ImagingModel& model, int orientation, int width,
                                                         int height) {
  if (width <= 0 || height <= 0 || model.image_width == 0 || model.image_height == 0 ||
      model.image_width > 1000000 || model.image_height > 1000000)
    return std::nullopt;
  const int w = int(model.image_width), h = int(model.image_height);
  CameraIntrinsics camera = centred_camera(model.focal_length_x, model.focal_length_y, w, h, "Dynamic Depth imaging model");
  if (model.principal_point_x && model.principal_point_y) {
    // Pixels as the Pixel writes them; (0.5, 0.5), the reference library's default, means the centre.
    const bool fractions = *model.principal_point_x <= 1 && *model.principal_point_y <= 1;
    camera.cx = fractions ? *model.principal_point_x * w - 0.5 : *model.principal_point_x;
    camera.cy = fractions ? *model.principal_point_y * h - 0.5 : *model.principal_point_y;
  }
  if (!usable(camera)) return std::nullopt;
  if (same_aspect(w, h, width, height)) return usable(camera.scaled_to(width, height));
  const CameraIntrinsics upright = camera.rotated(orientation);
  if (orientation >= 5 && same_aspect(upright.width, upright.height, width, height))
    return usable(upright.scaled_to(width, height));
  return std::nullopt;
}
#endif

std::optional<CameraIntrinsics> photo_intrinsics(std::span<const uint8_t> photo_bytes, int upright_width,
                                                 int upright_height) {
  if (upright_width <= 0 || upright_height <= 0) return std::nullopt;
  const ExifTags tags = photo_exif_tags(photo_bytes);
#if DV_HAVE_CONTAINER
  if (auto camera = dynamic_depth_intrinsics(photo_bytes, tags.orientation, upright_width, upright_height))
    return camera;
#endif
  return exif_intrinsics(tags, upright_width, upright_height);
}

}  // namespace dv::depth
