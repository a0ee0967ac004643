#include "depth/mesh.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace dv::depth {

GridSampling::GridSampling(int width, int height, int max_side) : width_(width), height_(height) {
  const int longer = std::max(width, height);
  step_ = std::max(1.0, double(longer - 1) / double(std::max(2, max_side) - 1));
  columns = int(std::floor((width - 1) / step_)) + 1;
  rows = int(std::floor((height - 1) / step_)) + 1;
}
int GridSampling::pixel_x(int column) const { return std::min(width_ - 1, int(std::lround(column * step_))); }
int GridSampling::pixel_y(int row) const { return std::min(height_ - 1, int(std::lround(row * step_))); }

std::vector<float> sample_grid(const DepthMap& depth, const GridSampling& grid) {
  std::vector<float> d(size_t(grid.columns) * size_t(grid.rows));
  for (int j = 0; j < grid.rows; ++j)
    for (int i = 0; i < grid.columns; ++i)
      d[size_t(j) * size_t(grid.columns) + size_t(i)] =
          depth.values[size_t(grid.pixel_y(j)) * size_t(depth.width) + size_t(grid.pixel_x(i))];
  return d;
}

GridTriangles grid_triangles(const std::vector<float>& d, int columns, int rows, float discontinuity) {
  GridTriangles out;
  out.triangles.reserve(size_t(std::max(0, columns - 1)) * size_t(std::max(0, rows - 1)) * 2);
  auto add = [&](uint32_t a, uint32_t b, uint32_t c) {
    const float lo = std::min({d[a], d[b], d[c]}), hi = std::max({d[a], d[b], d[c]});
    if (!(hi - lo <= discontinuity)) ++out.dropped;  // NaN depth: dropped too
    else out.triangles.push_back({a, b, c});
  };
  for (int j = 0; j + 1 < rows; ++j)
    for (int i = 0; i + 1 < columns; ++i) {
      const auto tl = uint32_t(j * columns + i), tr = tl + 1, bl = uint32_t((j + 1) * columns + i), br = bl + 1;
      add(tl, bl, tr);  // counter-clockwise seen from +z
      add(tr, bl, br);
    }
  return out;
}

void add_relief_vertices(Mesh& mesh, const std::vector<int>& pixel_x, const std::vector<int>& pixel_y,
                         const std::vector<float>& grid_depth, int width, int height, float depth_scale, float z_offset) {
  const float aspect = float(height) / float(width);
  for (size_t j = 0; j < pixel_y.size(); ++j)
    for (size_t i = 0; i < pixel_x.size(); ++i) {
      const float u = float(pixel_x[i]) / float(width - 1), v = float(pixel_y[j]) / float(height - 1);
      const float z = grid_depth[j * pixel_x.size() + i];
      mesh.positions.push_back({u - 0.5f, (0.5f - v) * aspect, (std::isfinite(z) ? z * depth_scale : 0.0f) + z_offset});
      mesh.uvs.push_back({u, 1.0f - v});
    }
}

Mesh build_relief_mesh(const DepthMap& depth, const MeshOptions& options) {
  validate(depth, "mesh");
  if (depth.width < 2 || depth.height < 2) throw std::invalid_argument("the depth map is too small for a mesh");
  if (!std::isfinite(options.depth_scale) || !std::isfinite(options.discontinuity))
    throw std::invalid_argument("mesh: the depth scale and the edge cut must be numbers");
  const GridSampling grid(depth.width, depth.height, options.max_side);
  const std::vector<float> d = sample_grid(depth, grid);
  std::vector<int> pixel_x, pixel_y;
  for (int i = 0; i < grid.columns; ++i) pixel_x.push_back(grid.pixel_x(i));
  for (int j = 0; j < grid.rows; ++j) pixel_y.push_back(grid.pixel_y(j));
  Mesh mesh;
  add_relief_vertices(mesh, pixel_x, pixel_y, d, depth.width, depth.height, options.depth_scale);
  GridTriangles t = grid_triangles(d, grid.columns, grid.rows, options.discontinuity);
  mesh.triangles = std::move(t.triangles);
  mesh.dropped_triangles = t.dropped;
  return mesh;
}

void write_ply(const std::string& path, const Mesh& mesh) {
  std::ofstream out(path, std::ios::binary);
  out << "ply\nformat binary_little_endian 1.0\ncomment depthview relief mesh\n"
      << "element vertex " << mesh.positions.size() << "\n"
      << "property float x\nproperty float y\nproperty float z\nproperty float s\nproperty float t\n"
      << "element face " << mesh.triangles.size() << "\nproperty list uchar uint vertex_indices\nend_header\n";
  for (size_t i = 0; i < mesh.positions.size(); ++i) {
    out.write(reinterpret_cast<const char*>(mesh.positions[i].data()), 3 * sizeof(float));
    out.write(reinterpret_cast<const char*>(mesh.uvs[i].data()), 2 * sizeof(float));
  }
  for (const auto& t : mesh.triangles) {
    const uint8_t n = 3;
    out.write(reinterpret_cast<const char*>(&n), 1);
    out.write(reinterpret_cast<const char*>(t.data()), 3 * sizeof(uint32_t));
  }
  if (!out) throw std::runtime_error("cannot write " + path);
}

void write_obj(const std::string& path, const Mesh& mesh, const std::string& texture_file) {
  namespace fs = std::filesystem;
  const fs::path obj(path), mtl = fs::path(path).replace_extension(".mtl");
  {
    std::ofstream m(mtl);
    m << "newmtl photo\nKa 1 1 1\nKd 1 1 1\nillum 0\nmap_Kd " << fs::path(texture_file).filename().string() << "\n";
    if (!m) throw std::runtime_error("cannot write " + mtl.string());
  }
  std::ofstream out(obj);
  out << "# depthview relief mesh\nmtllib " << mtl.filename().string() << "\nusemtl photo\n";
  for (const auto& p : mesh.positions) out << "v " << p[0] << ' ' << p[1] << ' ' << p[2] << '\n';
  for (const auto& t : mesh.uvs) out << "vt " << t[0] << ' ' << t[1] << '\n';
  for (const auto& t : mesh.triangles)  // OBJ indices are 1-based; vertex i has texture coordinate i
    out << "f " << t[0] + 1 << '/' << t[0] + 1 << ' ' << t[1] + 1 << '/' << t[1] + 1 << ' ' << t[2] + 1 << '/'
        << t[2] + 1 << '\n';
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace dv::depth
