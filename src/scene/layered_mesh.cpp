#include "scene/layered_mesh.h"

#include <algorithm>

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
  out.foreground = depth::grid_triangles(out.foreground_depth, grid.columns, grid.rows, layers.edge_jump).triangles;
  if (layers.layer_count() < 2) return out;

  const Layer& bg = layers.background;
  out.background_depth = depth::sample_grid(bg.depth, grid);
  std::vector<uint8_t> in_band(out.background_depth.size());
  for (int j = 0; j < grid.rows; ++j)
    for (int i = 0; i < grid.columns; ++i)
      in_band[size_t(j) * size_t(grid.columns) + size_t(i)] =
          bg.mask[size_t(grid.pixel_y(j)) * size_t(fg.width) + size_t(grid.pixel_x(i))];
  // Background triangles elsewhere would only repeat the foreground.
  for (const auto& t : depth::grid_triangles(out.background_depth, grid.columns, grid.rows, layers.edge_jump).triangles)
    if (in_band[t[0]] || in_band[t[1]] || in_band[t[2]]) out.background.push_back(t);
  return out;
}

}  // namespace dv::scene
