// Colour maps for depth images: a [0, 1] map (bright = near) to RGB8.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "depth/postprocess.h"

namespace dv::depth {

enum class Colormap { Grey, Inferno, Turbo, Viridis, Magma };

// "grey", "inferno", "turbo", "viridis", "magma"; throws std::invalid_argument listing them.
Colormap colormap_from_name(const std::string& name);
const std::vector<std::string>& colormap_names();

// width * height * 3 bytes, row-major.
std::vector<uint8_t> apply_colormap(const DepthMap& map, Colormap cmap);

}  // namespace dv::depth
