// The 3D relief of a photo: a grid mesh displaced by depth, textured with the photo, with the
// triangles that would bridge a depth discontinuity dropped (no stretched "flying" skins).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "depth/postprocess.h"

namespace dv::depth {

struct MeshOptions {
  int max_side = 256;               // vertices along the longer side of the photo
  float depth_scale = 0.3f;         // relief height, relative to the photo's width (= 1)
  float discontinuity = 0.08f;      // drop a triangle whose depths (in [0, 1]) differ by more
};

struct Mesh {
  std::vector<std::array<float, 3>> positions;  // x right, y up, z towards the viewer
  std::vector<std::array<float, 2>> uvs;        // texture coordinates, (0, 0) = photo's bottom-left
  std::vector<std::array<uint32_t, 3>> triangles;
  size_t dropped_triangles = 0;
};

// A regular grid of at most max_side samples along the longer side of a width x height map.
struct GridSampling {
  GridSampling(int width, int height, int max_side);
  int columns = 0, rows = 0;
  int pixel_x(int column) const;  // the map pixel a grid sample reads
  int pixel_y(int row) const;

 private:
  int width_, height_;
  double step_;
};

// The depth at each grid sample, row by row.
std::vector<float> sample_grid(const DepthMap& depth, const GridSampling& grid);

// Two triangles per grid cell, except those whose corner depths differ by more than
// `discontinuity` (counted in `dropped`). Shared by the exported meshes and the viewer.
struct GridTriangles {
  std::vector<std::array<uint32_t, 3>> triangles;
  size_t dropped = 0;
};
GridTriangles grid_triangles(const std::vector<float>& grid_depth, int columns, int rows, float discontinuity);

// Appends the relief's vertices for the grid samples at map pixels (pixel_x[i], pixel_y[j]) of a
// width x height map, row by row: x right, y up (the photo's width is 1), z = depth x depth_scale
// + z_offset (non-finite depths lie at z_offset). Shared by every mesh built on the relief's grid.
void add_relief_vertices(Mesh& mesh, const std::vector<int>& pixel_x, const std::vector<int>& pixel_y,
                         const std::vector<float>& grid_depth, int width, int height, float depth_scale,
                         float z_offset = 0.0f);

// depth: normalised [0, 1], bright = near (the pipeline's output).
Mesh build_relief_mesh(const DepthMap& depth, const MeshOptions& options = {});

// Binary little-endian PLY with x y z s t per vertex. Throws naming the file on failure.
void write_ply(const std::string& path, const Mesh& mesh);
// OBJ + MTL; the material uses `texture_file` (written by the caller next to the OBJ).
void write_obj(const std::string& path, const Mesh& mesh, const std::string& texture_file);
// Binary glTF with the photo embedded as the JPEG texture (tinygltf).
void write_glb(const std::string& path, const Mesh& mesh, const std::vector<uint8_t>& jpeg);

// One mesh of a GLB with several, each with its own texture (JPEG bytes) and a node named `name`.
struct GlbPart {
  const Mesh& mesh;
  const std::vector<uint8_t>& jpeg;
  std::string name;
};
void write_glb(const std::string& path, const std::vector<GlbPart>& parts);

}  // namespace dv::depth
