// The layered depth image as two grid meshes (the relief's grid, depth/mesh.h): the foreground
// cut at the depth edges the background's band lies behind, and the background as one whole
// sheet, drawn just behind the foreground (it equals the foreground outside the band).
// Positions are the relief's (shaders/relief.vert).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "scene/layered_depth.h"

namespace dv::scene {

struct LayeredGrid {
  int columns = 0, rows = 0;
  std::vector<int> pixel_x, pixel_y;                   // the photo pixel of each column / row
  std::vector<float> foreground_depth, background_depth;  // a sample per grid vertex, row by row
  std::vector<std::array<uint32_t, 3>> foreground, background;
};

// max_side: vertices along the longer side (the viewer's mesh_side).
LayeredGrid layered_grid(const LayeredDepth& layers, int max_side);

}  // namespace dv::scene
