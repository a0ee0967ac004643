// dv_relief_holes: holes and stretch of the 3D view off-axis, cut relief vs layered relief (issue 19).
// Prints numbers, never judges them.
//
//   dv_relief_holes [--photos DIR] [--model M] [--out DIR] [--threads N] [--mesh-side N]
//
// Every photo of DIR (../shared/photos and its da2/) gets depth from the model (FastDepth), then
// its relief is rendered as the viewer draws it (shaders/relief.vert: x = u - 0.5,
// y = (0.5 - v) aspect, z = depth x 0.3; the viewer's default orbit camera, src/app/camera.cpp)
// yawed 5, 10 and 15 degrees around the orbit's target, by a z-buffered CPU rasteriser into a
// 1024 x 640 frame:
//   cut:     today's relief: grid triangles whose depths differ by more than 0.08 dropped;
//   layered: scene/layered_mesh.h: the foreground cut at the layers' edges + the background band.
// Counted, as a share of the photo's projected area (what the uncut relief covers in that view):
//   holes:   pixels of that area no triangle covers (the frame's background colour shows);
//   stretch: pixels whose visible triangle covers over 4x its screen area at the frontal view.
// The 10-degree renders (--png-angle) of both go to --out as PNGs (holes magenta, stretch red in *_marked.png).
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <glm/glm.hpp>
#include <glm/gtc/matrix_transform.hpp>

#include "depth/export.h"
#include "depth/mesh.h"
#include "depth/model_download.h"
#include "depth/pipeline.h"
#include "scene/layered_depth.h"
#include "scene/layered_mesh.h"
#include "scene/rasterizer.h"

namespace fs = std::filesystem;

namespace {

// The viewer's defaults (src/app/relief_view.h ReliefSettings, src/app/camera.h OrbitCamera).
constexpr float kDepthScale = 0.3f, kCut = 0.08f, kDistance = 1.6f, kFovY = 40.0f;
constexpr int kFrameWidth = 1024, kFrameHeight = 640;
constexpr float kStretch = 4.0f;
constexpr float kBackgroundBias = 1e-3f;  // the background layer is drawn just behind the foreground
const float kAngles[3] = {5.0f, 10.0f, 15.0f};

struct Options {
  std::string photos = DV_SHARED_DIR "/photos";
  std::string model = DV_SHARED_DIR "/models/fastdepth.onnx";
  std::string out = "build/relief-holes";
  int threads = 2, mesh_side = 256;
  float png_angle = 10.0f;
  dv::scene::LayeredOptions layered;
};

using dv::scene::RasterFrame;
using dv::scene::RasterMesh;

glm::mat4 view_projection(float yaw_degrees) {
  const float yaw = glm::radians(yaw_degrees);
  const glm::vec3 eye = kDistance * glm::vec3(std::sin(yaw), 0.0f, std::cos(yaw));
  return glm::perspective(glm::radians(kFovY), float(kFrameWidth) / float(kFrameHeight), 0.02f, 50.0f) *
         glm::lookAt(eye, glm::vec3(0.0f), glm::vec3(0.0f, 1.0f, 0.0f));
}

std::vector<glm::vec3> project(const RasterMesh& m, const glm::mat4& vp) {
  return dv::scene::project(m.positions, vp, kFrameWidth, kFrameHeight);
}

RasterFrame new_frame() { return RasterFrame(kFrameWidth, kFrameHeight); }

// Per mesh and triangle: does it cover over kStretch times its frontal screen area at `yaw`?
std::vector<std::vector<uint8_t>> stretched_triangles(const std::vector<RasterMesh>& meshes, float yaw) {
  std::vector<std::vector<uint8_t>> out;
  for (const auto& m : meshes) {
    const auto s = project(m, view_projection(yaw)), s0 = project(m, view_projection(0.0f));
    out.emplace_back(m.triangles.size());
    for (size_t t = 0; t < m.triangles.size(); ++t) {
      const auto& tri = m.triangles[t];
      out.back()[t] = std::abs(dv::scene::screen_area(s[tri[0]], s[tri[1]], s[tri[2]])) >
                      kStretch * std::abs(dv::scene::screen_area(s0[tri[0]], s0[tri[1]], s0[tri[2]]));
    }
  }
  return out;
}

struct Score {
  double holes = 0, stretch = 0;  // shares of the projected photo, %
};

// Renders `meshes` (first wins ties) at `yaw`; `full` is the uncut relief that defines the area.
Score render(const std::vector<RasterMesh>& meshes, const RasterMesh& full, float yaw, RasterFrame* out) {
  const glm::mat4 vp = view_projection(yaw);
  RasterFrame covered = new_frame(), f = new_frame();
  rasterise(full, project(full, vp), 0, covered);
  for (size_t k = 0; k < meshes.size(); ++k) rasterise(meshes[k], project(meshes[k], vp), int(k), f);
  const auto stretched = stretched_triangles(meshes, yaw);
  size_t inside = 0, holes = 0, stretch = 0;
  for (size_t i = 0; i < f.z.size(); ++i) {
    if (f.mesh[i] >= 0 && stretched[size_t(f.mesh[i])][size_t(f.triangle[i])]) ++stretch;
    if (covered.mesh[i] < 0) continue;
    ++inside;
    holes += f.mesh[i] < 0;
  }
  if (out) *out = std::move(f);
  return {100.0 * double(holes) / double(std::max<size_t>(1, inside)), 100.0 * double(stretch) / double(std::max<size_t>(1, inside))};
}

// The frame's colours: texture (nearest), background black; marked: holes magenta, stretch red.
std::vector<uint8_t> shade(const RasterFrame& f, const std::vector<RasterMesh>& meshes, const RasterFrame* covered_by, float yaw, bool marked) {
  std::vector<uint8_t> rgb(f.z.size() * 3, 0);
  const auto stretched = stretched_triangles(meshes, yaw);
  for (size_t i = 0; i < f.z.size(); ++i) {
    uint8_t* o = &rgb[i * 3];
    if (f.mesh[i] < 0) {
      if (marked && covered_by->mesh[i] >= 0) o[0] = 255, o[2] = 255;
      continue;
    }
    if (marked && stretched[size_t(f.mesh[i])][size_t(f.triangle[i])]) {
      o[0] = 255;
      continue;
    }
    const dv::depth::Image& t = *meshes[size_t(f.mesh[i])].texture;
    const int x = std::clamp(int(std::lround(f.uv[i].x)), 0, t.width - 1), y = std::clamp(int(std::lround(f.uv[i].y)), 0, t.height - 1);
    for (int k = 0; k < 3; ++k) o[k] = t.rgb[(size_t(y) * size_t(t.width) + size_t(x)) * 3 + size_t(k)];
  }
  return rgb;
}

std::vector<fs::path> photo_files(const std::string& dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const std::string ext = e.path().extension().string();
    if (e.is_regular_file() && (ext == ".png" || ext == ".jpg" || ext == ".jpeg")) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

void write_render(const Options& o, const std::string& name, const char* kind, const std::vector<RasterMesh>& meshes,
                  const RasterMesh& full) {
  RasterFrame f = new_frame(), covered = new_frame();
  render(meshes, full, o.png_angle, &f);
  rasterise(full, project(full, view_projection(o.png_angle)), 0, covered);
  for (const bool marked : {false, true})
    dv::depth::write_png_rgb((fs::path(o.out) / (name + "_" + kind + (marked ? "_marked" : "") + ".png")).string(),
                             kFrameWidth, kFrameHeight, shade(f, meshes, &covered, o.png_angle, marked));
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"Holes and stretch of the relief off-axis: cut vs layered (issue 19)"};
  app.add_option("--photos", o.photos, "folder of photos (searched recursively)");
  app.add_option("--model", o.model, "depth model");
  app.add_option("--out", o.out, "where the 10-degree renders go");
  app.add_option("--threads", o.threads, "threads for depth and inpainting");
  app.add_option("--edge-jump", o.layered.edge_jump, "layered: a depth edge, share of the depth range");
  app.add_option("--png-angle", o.png_angle, "the view of the PNGs, degrees off-axis");
  app.add_option("--mesh-side", o.mesh_side, "grid vertices along the longer side (the viewer's default)");
  CLI11_PARSE(app, argc, argv);
  fs::create_directories(o.out);
  const std::string manifest = dv::depth::native_manifest_path();
  const auto catalog = dv::depth::ModelCatalog(manifest, dv::depth::native_model_dirs(manifest));
  dv::depth::DepthEstimator est(catalog.resolve(o.model), {size_t(o.threads), false});

  std::printf("holes / stretch, %% of the projected photo; %d-vertex grid, depth scale %.1f, %dx%d frame\n",
              o.mesh_side, kDepthScale, kFrameWidth, kFrameHeight);
  std::printf("%-26s | %-29s | %-29s | %s\n", "photo", "cut 5 / 10 / 15 deg", "layered 5 / 10 / 15 deg", "layers ms");
  Score sum[2][3];
  int n = 0;
  for (const fs::path& file : photo_files(o.photos)) {
    const dv::depth::Image photo = dv::depth::load_image(file.string());
    const dv::depth::DepthMap depth = est.run(photo).depth;
    dv::scene::LayeredOptions lo = o.layered;
    lo.view.depth_scale = kDepthScale;
    lo.inpaint.threads = o.threads;
    const auto t0 = std::chrono::steady_clock::now();
    const dv::scene::LayeredDepth layers = *dv::scene::build_layered_depth(photo, depth, lo);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();

    const auto grid = dv::scene::layered_grid(layers, o.mesh_side);
    const auto& d = grid.foreground_depth;
    using dv::scene::grid_raster_mesh;
    const RasterMesh full = grid_raster_mesh(d, grid.pixel_x, grid.pixel_y, photo,
                                             dv::depth::grid_triangles(d, grid.columns, grid.rows, INFINITY).triangles, kDepthScale);
    const std::vector<RasterMesh> cut = {grid_raster_mesh(d, grid.pixel_x, grid.pixel_y, photo,
                                                          dv::depth::grid_triangles(d, grid.columns, grid.rows, kCut).triangles, kDepthScale)};
    std::vector<RasterMesh> layered = {grid_raster_mesh(d, grid.pixel_x, grid.pixel_y, photo, grid.foreground, kDepthScale)};
    if (layers.layer_count() == 2)
      layered.push_back(grid_raster_mesh(grid.background_depth, grid.pixel_x, grid.pixel_y, layers.background.color,
                                         grid.background, kDepthScale, kBackgroundBias));

    const std::string name = (file.parent_path().filename() == "photos" ? "" : file.parent_path().filename().string() + "_") +
                             file.stem().string();
    char cells[2][64];
    for (int k = 0; k < 2; ++k) {
      Score s[3];
      for (int a = 0; a < 3; ++a) {
        s[a] = render(k == 0 ? cut : layered, full, kAngles[a], nullptr);
        sum[k][a].holes += s[a].holes, sum[k][a].stretch += s[a].stretch;
      }
      std::snprintf(cells[k], sizeof cells[k], "%4.2f/%4.2f %4.2f/%4.2f %4.2f/%4.2f", s[0].holes, s[0].stretch,
                    s[1].holes, s[1].stretch, s[2].holes, s[2].stretch);
    }
    std::printf("%-26s | %-29s | %-29s | %d %.0f\n", name.c_str(), cells[0], cells[1], layers.layer_count(), ms);
    std::fflush(stdout);
    write_render(o, name, "cut", cut, full);
    write_render(o, name, "layered", layered, full);
    ++n;
  }
  for (int k = 0; k < 2; ++k)
    std::printf("%s mean of %d photos: 5 deg %.2f%% holes + %.2f%% stretch, 10 deg %.2f%% + %.2f%%, 15 deg %.2f%% + %.2f%%\n",
                k == 0 ? "cut    " : "layered", n, sum[k][0].holes / n, sum[k][0].stretch / n, sum[k][1].holes / n,
                sum[k][1].stretch / n, sum[k][2].holes / n, sum[k][2].stretch / n);
  return 0;
}
