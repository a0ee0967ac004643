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
  // Each grid cell's triangles: the background's always (one whole sheet: where the band ends it
  // jumps, a stretched triangle behind the foreground rather than a hole that shows through it);
  // the foreground's unless it jumps over an edge where the background's band lies smooth behind
  // (a jump the background cannot cover stays a stretched triangle, not a hole).
  // Near the photo's border the foreground stays: its background, farther away, is seen shifted
  // inwards (the turn, the perspective) and would leave a gap along the border.
  auto near_border = [&](const std::array<uint32_t, 3>& t, float jump) {
    for (uint32_t v : t) {
      const int x = out.pixel_x[v % uint32_t(grid.columns)], y = out.pixel_y[v / uint32_t(grid.columns)];
      const float off_centre = std::hypot(float(x) / float(fg.width) - 0.5f, float(y - fg.height / 2) / float(fg.width));
      const int border = std::min({x, y, fg.width - 1 - x, fg.height - 1 - y});
      if (float(border) <= reveal_width(fg.width, jump, layers.view, off_centre) + 1.0f) return true;
    }
    return false;
  };
  auto gap = [&](const std::array<uint32_t, 3>& t) {  // how far the background lies behind
    float g = 0.0f;
    for (uint32_t v : t) g = std::max(g, out.foreground_depth[v] - out.background_depth[v]);
    return g;
  };
  auto span = [](const std::vector<float>& d, const std::array<uint32_t, 3>& t) {
    return std::max({d[t[0]], d[t[1]], d[t[2]]}) - std::min({d[t[0]], d[t[1]], d[t[2]]});
  };
  for (const auto& t : depth::grid_triangles(out.foreground_depth, grid.columns, grid.rows, INFINITY).triangles) {
    const bool behind = layered && (in_band[t[0]] || in_band[t[1]] || in_band[t[2]]) &&
                        span(out.background_depth, t) <= layers.edge_jump;
    if (layered) out.background.push_back(t);
    if (!(behind && span(out.foreground_depth, t) > layers.edge_jump) || near_border(t, gap(t)))
      out.foreground.push_back(t);
  }
  return out;
}

}  // namespace dv::scene
