#include "scene/rasterizer.h"

#include <algorithm>
#include <cmath>

#include "scene/parallel.h"

namespace dv::scene {

RasterFrame::RasterFrame(int w, int h)
    : width(w), height(h), z(size_t(w) * size_t(h), INFINITY), mesh(z.size(), -1), triangle(z.size(), -1), uv(z.size()) {}

RasterMesh grid_raster_mesh(const std::vector<float>& grid_depth, const std::vector<int>& px, const std::vector<int>& py,
                            const depth::Image& texture, std::vector<Triangle> triangles, float depth_scale, float z_bias) {
  RasterMesh m;
  const float aspect = float(texture.height) / float(texture.width);
  m.positions.reserve(px.size() * py.size());
  m.uvs.reserve(px.size() * py.size());
  for (size_t j = 0; j < py.size(); ++j)
    for (size_t i = 0; i < px.size(); ++i) {
      const float u = float(px[i]) / float(texture.width - 1), v = float(py[j]) / float(texture.height - 1);
      m.positions.push_back({u - 0.5f, (0.5f - v) * aspect, grid_depth[j * px.size() + i] * depth_scale - z_bias});
      m.uvs.push_back({float(px[i]), float(py[j])});
    }
  m.triangles = std::move(triangles);
  m.texture = &texture;
  return m;
}

std::vector<glm::vec3> project(const std::vector<glm::vec3>& positions, const glm::mat4& vp, int width, int height) {
  std::vector<glm::vec3> s;
  s.reserve(positions.size());
  for (const auto& p : positions) {
    const glm::vec4 c = vp * glm::vec4(p, 1.0f);
    if (c.w <= 0.0f) {
      s.push_back(glm::vec3(NAN));
      continue;
    }
    s.push_back({(c.x / c.w * 0.5f + 0.5f) * float(width), (0.5f - c.y / c.w * 0.5f) * float(height), c.z / c.w});
  }
  return s;
}

float screen_area(const glm::vec3& a, const glm::vec3& b, const glm::vec3& c) {
  return 0.5f * ((b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x));
}

void rasterise(const RasterMesh& m, const std::vector<glm::vec3>& s, int mesh_id, RasterFrame& f, int row_begin,
               int row_end) {
  row_begin = std::max(row_begin, 0);
  row_end = std::min(row_end, f.height);
  for (size_t t = 0; t < m.triangles.size(); ++t) {
    const Triangle& tri = m.triangles[t];
    const glm::vec3 a = s[tri[0]], b = s[tri[1]], c = s[tri[2]];
    const float full = screen_area(a, b, c);
    if (!(std::abs(full) >= 1e-12f)) continue;  // degenerate, or a vertex behind the camera (NaN)
    const float fx0 = std::min({a.x, b.x, c.x}), fx1 = std::max({a.x, b.x, c.x});
    const float fy0 = std::min({a.y, b.y, c.y}), fy1 = std::max({a.y, b.y, c.y});
    if (fx1 < 0.0f || fy1 < float(row_begin) || fx0 > float(f.width) || fy0 > float(row_end)) continue;
    const int x0 = std::max(0, int(std::floor(fx0))), x1 = std::min(f.width - 1, int(std::ceil(fx1)));
    const int y0 = std::max(row_begin, int(std::floor(fy0))), y1 = std::min(row_end - 1, int(std::ceil(fy1)));
    for (int y = y0; y <= y1; ++y)
      for (int x = x0; x <= x1; ++x) {
        const glm::vec3 p(float(x) + 0.5f, float(y) + 0.5f, 0.0f);
        const float wa = screen_area(b, c, p) / full, wb = screen_area(c, a, p) / full, wc = 1.0f - wa - wb;
        if (wa < 0 || wb < 0 || wc < 0) continue;
        const float z = wa * a.z + wb * b.z + wc * c.z;
        const size_t i = size_t(y) * size_t(f.width) + size_t(x);
        if (z >= f.z[i]) continue;
        f.z[i] = z, f.mesh[i] = mesh_id, f.triangle[i] = int(t);
        f.uv[i] = wa * m.uvs[tri[0]] + wb * m.uvs[tri[1]] + wc * m.uvs[tri[2]];
      }
  }
}

void rasterise_all(const std::vector<const RasterMesh*>& meshes, const glm::mat4& vp, RasterFrame& frame, int threads) {
  std::vector<std::vector<glm::vec3>> screens;
  for (const RasterMesh* m : meshes) screens.push_back(project(m->positions, vp, frame.width, frame.height));
  parallel_ranges(size_t(frame.height), threads, [&](size_t begin, size_t end) {
    for (size_t k = 0; k < meshes.size(); ++k) rasterise(*meshes[k], screens[k], int(k), frame, int(begin), int(end));
  });
}

namespace {

void sample_bilinear(const depth::Image& t, glm::vec2 uv, uint8_t* out) {
  const float x = std::clamp(uv.x, 0.0f, float(t.width - 1)), y = std::clamp(uv.y, 0.0f, float(t.height - 1));
  const int x0 = int(x), y0 = int(y), x1 = std::min(x0 + 1, t.width - 1), y1 = std::min(y0 + 1, t.height - 1);
  const float fx = x - float(x0), fy = y - float(y0);
  auto at = [&](int px, int py, int k) { return float(t.rgb[(size_t(py) * size_t(t.width) + size_t(px)) * 3 + size_t(k)]); };
  for (int k = 0; k < 3; ++k) {
    const float top = at(x0, y0, k) + (at(x1, y0, k) - at(x0, y0, k)) * fx;
    const float bottom = at(x0, y1, k) + (at(x1, y1, k) - at(x0, y1, k)) * fx;
    out[k] = uint8_t(std::lround(top + (bottom - top) * fy));
  }
}

}  // namespace

depth::Image shade(const RasterFrame& f, const std::vector<const RasterMesh*>& meshes, std::array<uint8_t, 3> background) {
  depth::Image out{f.width, f.height, std::vector<uint8_t>(f.z.size() * 3)};
  for (size_t i = 0; i < f.z.size(); ++i) {
    uint8_t* o = &out.rgb[i * 3];
    if (!f.covered(i)) std::copy(background.begin(), background.end(), o);
    else sample_bilinear(*meshes[size_t(f.mesh[i])]->texture, f.uv[i], o);
  }
  return out;
}

}  // namespace dv::scene
