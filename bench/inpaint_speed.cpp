// dv_inpaint_speed: time to build the layered depth image (edge band + inpainting, scene/) of a
// 12 MP photo natively, 1 and N threads (issue 19). Prints numbers, never judges them. The same
// source is dv_inpaint_speed_web, run in Chromium by bench/web_inpaint_speed.mjs.
//
//   dv_inpaint_speed [--photo FILE] [--model M] [--megapixels MP] [--threads N] [--manifest FILE]
//
// The photo is enlarged (nearest) to the size asked and its depth (FastDepth, then bilinear) with it,
// so the band is as wide as a real photo of that size would get.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <string>

#include <CLI/CLI.hpp>

#ifndef __EMSCRIPTEN__
#include "depth/model_download.h"
#endif
#include "depth/pipeline.h"
#include "scene/layered_depth.h"

namespace {

dv::depth::Image enlarge(const dv::depth::Image& photo, int width, int height) {
  dv::depth::Image out{width, height, std::vector<uint8_t>(size_t(width) * size_t(height) * 3)};
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      const size_t src = (size_t(y * photo.height / height) * size_t(photo.width) + size_t(x * photo.width / width)) * 3;
      for (int k = 0; k < 3; ++k) out.rgb[(size_t(y) * size_t(width) + size_t(x)) * 3 + size_t(k)] = photo.rgb[src + size_t(k)];
    }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::string photo_path = DV_SHARED_DIR "/photos/da2/demo01.jpg", model = DV_SHARED_DIR "/models/fastdepth.onnx";
  double megapixels = 12.0;
  int threads = 2;
  CLI::App app{"Layered depth image (inpainting) speed on a large photo"};
  app.add_option("--photo", photo_path, "photo");
  app.add_option("--model", model, "depth model");
  app.add_option("--megapixels", megapixels, "size to enlarge the photo to");
  app.add_option("--threads", threads, "threads (also compared with 1)");
#ifdef __EMSCRIPTEN__
  std::string manifest = "/models.json";  // the page writes the manifest and the model to MEMFS
  const std::vector<std::string> dirs = {"/"};
#else
  std::string manifest = dv::depth::native_manifest_path();
  const std::vector<std::string> dirs = dv::depth::native_model_dirs(manifest);
#endif
  app.add_option("--manifest", manifest, "model manifest");
  CLI11_PARSE(app, argc, argv);

  const dv::depth::Image small = dv::depth::load_image(photo_path);
  const auto catalog = dv::depth::ModelCatalog(manifest, dirs);
  dv::depth::DepthEstimator est(catalog.resolve(model), {size_t(threads), false});
  const double scale = std::sqrt(megapixels * 1e6 / (double(small.width) * small.height));
  const int w = int(small.width * scale), h = int(small.height * scale);
  const dv::depth::Image photo = enlarge(small, w, h);
  const dv::depth::DepthMap depth = dv::depth::resize(est.run(small).depth, w, h);

  std::string load = "unknown";  // a busy machine stretches the wall times
  std::getline(std::ifstream("/proc/loadavg"), load);
  std::printf("%s enlarged to %dx%d (%.1f MP); load average %s\n", photo_path.c_str(), w, h, w * double(h) / 1e6, load.c_str());
  for (const int t : {1, threads}) {
    dv::scene::LayeredOptions o;
    o.inpaint.threads = t;
    int calls = 0;
    o.inpaint.progress = [&](float) { return ++calls > 0; };
    const auto t0 = std::chrono::steady_clock::now();
    const std::clock_t c0 = std::clock();  // the process's CPU time, all threads
    const auto layers = dv::scene::build_layered_depth(photo, depth, o);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
                 cpu = double(std::clock() - c0) / CLOCKS_PER_SEC;
    std::printf("%d thread%s: %.2f s wall, %.2f s CPU (band %d px wide, %.1f%% of the photo, %d progress calls)\n", t,
                t == 1 ? "" : "s", s, cpu, layers->band_width, 100.0 * double(layers->band_pixels) / (double(w) * h), calls);
  }
  return 0;
}
