// A z-buffered triangle rasteriser on the CPU (no GL, both builds): how the 3D photo's relief is
// drawn off screen, for parallax videos (scene/parallax.h) and for measuring holes and stretch
// (bench/relief_holes.cpp). Positions are the relief's (shaders/relief.vert).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include <glm/glm.hpp>

#include "depth/image.h"

namespace dv::scene {

using Triangle = std::array<uint32_t, 3>;

// One drawable mesh: vertices, triangles and the image its texture coordinates (pixels) read.
struct RasterMesh {
  std::vector<glm::vec3> positions;
  std::vector<glm::vec2> uvs;
  std::vector<Triangle> triangles;
  const depth::Image* texture = nullptr;
};

// A relief grid as the viewer draws it: vertex (i, j) at the photo pixel (pixel_x[i], pixel_y[j]),
// x = u - 0.5, y = (0.5 - v) aspect, z = depth x depth_scale - z_bias (the background layer is
// drawn just behind the foreground); texture coordinates are that pixel of `texture`.
RasterMesh grid_raster_mesh(const std::vector<float>& grid_depth, const std::vector<int>& pixel_x,
                            const std::vector<int>& pixel_y, const depth::Image& texture, std::vector<Triangle> triangles,
                            float depth_scale, float z_bias = 0.0f);

// What each pixel of a frame shows: depth (NDC), and which mesh and triangle (-1: nothing).
struct RasterFrame {
  int width = 0, height = 0;
  std::vector<float> z;
  std::vector<int> mesh, triangle;
  std::vector<glm::vec2> uv;
  RasterFrame(int w, int h);
  bool covered(size_t i) const { return mesh[i] >= 0; }
};

// Screen positions: x, y in pixels of a width x height frame (y down), z = NDC depth.
std::vector<glm::vec3> project(const std::vector<glm::vec3>& positions, const glm::mat4& view_projection, int width,
                               int height);

// Signed screen area of a triangle.
float screen_area(const glm::vec3& a, const glm::vec3& b, const glm::vec3& c);

// Draws `mesh` (screen positions `screen`) into rows [row_begin, row_end) of the frame: the nearer
// wins, ties keep what was drawn first; no culling (the viewer draws both sides). Triangles behind
// the camera (w <= 0) are skipped by project()'s caller through their NaN positions.
void rasterise(const RasterMesh& mesh, const std::vector<glm::vec3>& screen, int mesh_id, RasterFrame& frame,
               int row_begin = 0, int row_end = 1 << 30);

// Draws the meshes (in order) on `threads` threads, each a band of rows.
void rasterise_all(const std::vector<const RasterMesh*>& meshes, const glm::mat4& view_projection, RasterFrame& frame,
                   int threads);

// The frame's colours: each covered pixel samples its mesh's texture bilinearly; uncovered ones
// are `background`.
depth::Image shade(const RasterFrame& frame, const std::vector<const RasterMesh*>& meshes,
                   std::array<uint8_t, 3> background = {0, 0, 0});

}  // namespace dv::scene
