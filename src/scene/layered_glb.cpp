#include "scene/layered_glb.h"

#include <stdexcept>

#include "depth/export.h"

namespace dv::scene {

namespace {

depth::Mesh grid_mesh(const LayeredGrid& grid, const std::vector<float>& grid_depth,
                      const std::vector<std::array<uint32_t, 3>>& triangles, const depth::DepthMap& size,
                      float depth_scale, float z_offset) {
  depth::Mesh mesh;
  depth::add_relief_vertices(mesh, grid.pixel_x, grid.pixel_y, grid_depth, size.width, size.height, depth_scale, z_offset);
  mesh.triangles = triangles;
  return mesh;
}

}  // namespace

LayeredMeshes layered_meshes(const LayeredDepth& layers, const LayeredGlbOptions& o) {
  const depth::DepthMap& fg = layers.foreground.depth;
  if (fg.width < 2 || fg.height < 2) throw std::invalid_argument("layered GLB: the layered depth image is empty");
  const LayeredGrid grid = layered_grid(layers, o.max_side);
  LayeredMeshes meshes;
  meshes.foreground = grid_mesh(grid, grid.foreground_depth, grid.foreground, fg, o.depth_scale, 0.0f);
  if (layers.layer_count() == 2)
    meshes.background = grid_mesh(grid, grid.background_depth, grid.background, fg, o.depth_scale, -o.background_offset);
  return meshes;
}

void write_layered_glb(const std::string& path, const LayeredDepth& layers, const LayeredGlbOptions& o) {
  const LayeredMeshes meshes = layered_meshes(layers, o);
  const std::vector<uint8_t> photo = depth::encode_jpeg(layers.foreground.color, o.jpeg_quality);
  if (layers.layer_count() == 1) return depth::write_glb(path, {depth::GlbPart{meshes.foreground, photo, "foreground"}});
  const std::vector<uint8_t> background = depth::encode_jpeg(layers.background.color, o.jpeg_quality);
  depth::write_glb(path, {depth::GlbPart{meshes.foreground, photo, "foreground"},
                          depth::GlbPart{meshes.background, background, "background"}});
}

}  // namespace dv::scene
