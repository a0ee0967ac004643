// EXIF orientation: phones store the pixels as the sensor saw them, plus a tag saying how to turn
// them upright. decode_image applies it, so photos never come out sideways.
#pragma once

#include <cstdint>
#include <span>

#include "depth/image.h"
#include "depth/postprocess.h"

namespace dv::depth {

// The EXIF Orientation tag (1..8) of a JPEG, read with libexif; 1 (upright) when there is none
// or it is unreadable.
int exif_orientation(std::span<const uint8_t> bytes);

// A point in pixel coordinates, pixel centres on integers.
struct PixelPoint {
  double x = 0, y = 0;
};
// Where a point of the stored image (stored_width × stored_height) lies in the image turned
// upright by the orientation (1..8; anything else: unchanged), as apply_orientation moves pixels.
PixelPoint upright_point(int orientation, PixelPoint stored, int stored_width, int stored_height);

// The image turned upright according to an EXIF orientation (1..8; anything else: unchanged).
Image apply_orientation(const Image& stored, int orientation);
// The same for a depth map stored like the photo (a camera's embedded depth).
DepthMap apply_orientation(const DepthMap& stored, int orientation);

}  // namespace dv::depth
