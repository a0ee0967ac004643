// The depth a photo brings with it, from the camera that took it: Google Dynamic Depth and GDepth
// (Lens Blur) in JPEGs (media/container), Apple's depth image in HEIC (depth/heif_depth.h). One
// place turns each into depth on the upright photo's pixel grid, so the viewer, the page and the
// CLI treat them alike.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "depth/postprocess.h"

namespace dv::depth {

struct CameraDepth {
  std::string source;   // what it is, for the panel: "Dynamic Depth (RangeInverse, 0.21-5.70 m)"
  DepthMap depth;       // at the photo's upright size; 0 = no measurement
  bool metric = false;  // in metres; false: the file's own units (GDepth states none)
  int stored_width = 0, stored_height = 0;  // the embedded map's own size
};

// The camera's depth in `photo_bytes` for the decoded photo (width x height, upright), or nullopt
// when the photo carries none (also in a build without the parser for its format). A map of
// another size but the same aspect ratio is resampled (bilinear where it has no holes). Throws
// ImageError naming `name` when the embedded depth is damaged, not decodable, or of another
// aspect ratio than the photo.
std::optional<CameraDepth> read_camera_depth(std::span<const uint8_t> photo_bytes, int width, int height,
                                             const std::string& name = "photo");

}  // namespace dv::depth
