#include "scene/layered_mesh.h"

#include <algorithm>
#include <cmath>

#include "depth/mesh.h"

namespace dv::scene {

LayeredGrid layered_grid(const LayeredDepth& layers, int max_side) {
  const depth::DepthMap& fg = layers.foreground.depth;
  const depth::GridSampling grid(fg.width, fg.height, max_side);
  LayeredGrid out;
  out.columns = grid.columns, out.rows = grid.rows;
  for (int i = 0; i < grid.columns; ++i) out.pixel_x.push_back(grid.pixel_x(i));
  for (int j = 0; j < grid.rows; ++j) out.pixel_y.push_back(grid.pixel_y(j));
  out.foreground_depth = depth::sample_grid(fg, grid);
  const bool layered = layers.layer_count() == 2;
  if (layered) out.background_depth = depth::sample_grid(layers.background.depth, grid);
  std::vector<uint8_t> in_band(out.foreground_depth.size(), 0);
  for (int j = 0; layered && j < grid.rows; ++j)
    for (int i = 0; i < grid.columns; ++i)
      in_band[size_t(j) * size_t(grid.columns) + size_t(i)] =
          layers.background.mask[size_t(grid.pixel_y(j)) * size_t(fg.width) + size_t(grid.pixel_x(i))];
  // Each grid cell's triangles: the background's where it touches the band and is smooth; the
  // foreground's unless it jumps over an edge and the background covers that cell (a jump the
  // background cannot cover, e.g. at the band's inner end, stays a stretched triangle, not a hole).
  auto span = [](const std::vector<float>& d, const std::array<uint32_t, 3>& t) {
    return std::max({d[t[0]], d[t[1]], d[t[2]]}) - std::min({d[t[0]], d[t[1]], d[t[2]]});
  };
  for (const auto& t : depth::grid_triangles(out.foreground_depth, grid.columns, grid.rows, INFINITY).triangles) {
    const bool behind = layered && (in_band[t[0]] || in_band[t[1]] || in_band[t[2]]) &&
                        span(out.background_depth, t) <= layers.edge_jump;
    if (behind) out.background.push_back(t);
    if (!(behind && span(out.foreground_depth, t) > layers.edge_jump)) out.foreground.push_back(t);
  }
  return out;
}

}  // namespace dv::scene
