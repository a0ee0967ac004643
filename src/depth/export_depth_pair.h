// The photo + depth pair that photo-sharing sites take for 3D photos (Facebook's 3D photos): the
// photo as `NAME.jpg` and an 8-bit grey depth image of the same size, white = near, as
// `NAME_depth.png` — the site pairs them by that name.
#pragma once

#include <string>
#include <vector>

#include "depth/image.h"
#include "depth/postprocess.h"

namespace dv::depth {

// The two file names for `base` (a path without extension): {base.jpg, base_depth.png}.
std::vector<std::string> depth_pair_paths(const std::string& base);

// Writes both; a depth map of another size is resized to the photo's (the sites want the same
// size). Returns the files written. Throws std::invalid_argument for an invalid photo or map,
// std::runtime_error naming the file that cannot be written.
std::vector<std::string> write_depth_pair(const std::string& base, const Image& photo, const DepthMap& depth);

}  // namespace dv::depth
