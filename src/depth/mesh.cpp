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

Mesh build_relief_mesh(const DepthMap& depth, const MeshOptions& options) {
  if (depth.width < 2 || depth.height < 2) throw std::invalid_argument("the depth map is too small for a mesh");
  const GridSampling grid(depth.width, depth.height, options.max_side);
  const int gx = grid.columns, gy = grid.rows;
  const float aspect = float(depth.height) / float(depth.width);
  Mesh mesh;
  std::vector<float> d(size_t(gx) * size_t(gy));
  for (int j = 0; j < gy; ++j)
    for (int i = 0; i < gx; ++i) {
      const int px = grid.pixel_x(i), py = grid.pixel_y(j);
      const float u = float(px) / float(depth.width - 1), v = float(py) / float(depth.height - 1);
      const float z = depth.values[size_t(py) * size_t(depth.width) + size_t(px)];
      d[size_t(j) * size_t(gx) + size_t(i)] = z;
      mesh.positions.push_back({u - 0.5f, (0.5f - v) * aspect, z * options.depth_scale});
      mesh.uvs.push_back({u, 1.0f - v});
    }
  auto add = [&](uint32_t a, uint32_t b, uint32_t c) {
    const float lo = std::min({d[a], d[b], d[c]}), hi = std::max({d[a], d[b], d[c]});
    if (hi - lo > options.discontinuity) ++mesh.dropped_triangles;
    else mesh.triangles.push_back({a, b, c});
  };
  for (int j = 0; j + 1 < gy; ++j)
    for (int i = 0; i + 1 < gx; ++i) {
      const auto tl = uint32_t(j * gx + i), tr = tl + 1, bl = uint32_t((j + 1) * gx + i), br = bl + 1;
      add(tl, bl, tr);  // counter-clockwise seen from +z
      add(tr, bl, br);
    }
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
    out << "f " << t[0] + 1 << '/' << t[0] + 1 << ' ' << t[1] + 1 << '/' << t[1] + 1 << ' ' << t[2] + 1 << '/' << t[2] + 1 << '\n';
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace dv::depth
