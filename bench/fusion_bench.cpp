// dv_fusion_bench: sensor + model fusion (depth/fusion.h) against its two parts (issue 18).
// Prints numbers, never judges them.
//
//   dv_fusion_bench [--manifest FILE] [--kitti DIR] [--model M]... [--threads N] [--frames N] [--seed S]
//
// Data: every frame of the evaluation manifest (indoor RGB-D: the sensor map is the ground truth)
// and the KITTI frames of ../shared/lidar (the Velodyne scan projected with depth/lidar.h; KITTI's
// denser ground truth is not there, so LiDAR points are withheld instead). Of each frame's valid
// sensor pixels 1 % and 5 % are kept, at random (seeded) or in LiDAR-like rows (every k-th image
// row, k = 1 / share); the rest are withheld and all the scores are on them only:
//   sensor-only: each pixel takes its nearest kept sample (fusion.h fill_nearest);
//   model-only:  the model's depth times the median of sensor / model at the kept samples;
//   fused:       fuse_depth(kept, model).
// AbsRel / δ1 by depth_metrics (metrics.h, the evaluation protocol's), averaged over frames.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "depth/evaluate.h"
#include "depth/fusion.h"
#include "depth/lidar.h"
#include "depth/model_download.h"
#include "depth/pipeline.h"

namespace fs = std::filesystem;
using dv::depth::DepthMap;

namespace {

struct Options {
  std::string manifest = DV_SHARED_DIR "/eval/manifest.json";
  std::string kitti = DV_SHARED_DIR "/lidar/kitti_object";
  std::vector<std::string> models = {DV_SHARED_DIR "/models/fastdepth.onnx", DV_SHARED_DIR "/models/pydnet.onnx"};
  dv::depth::EngineOptions engine{2, false};
  int frames = 0;  // 0 = all
  uint32_t seed = 1;
  dv::depth::FusionOptions fusion;
};

struct Frame {
  std::string id, set;  // set: "indoor" or "kitti"
  dv::depth::Image photo;
  DepthMap sensor;      // metres at the photo's size
};

std::vector<Frame> load_frames(const Options& o) {
  std::vector<Frame> frames;
  if (fs::exists(o.manifest))
    for (const auto& e : dv::depth::read_eval_manifest(o.manifest)) {
      dv::depth::Image photo = dv::depth::load_image(e.rgb_path);
      DepthMap d = dv::depth::match_photo_size(dv::depth::load_ground_truth(e), photo.width, photo.height, e.depth_path);
      frames.push_back({e.id, "indoor", std::move(photo), std::move(d)});
    }
  if (fs::exists(fs::path(o.kitti) / "velodyne"))
    for (const auto& entry : fs::directory_iterator(fs::path(o.kitti) / "velodyne")) {
      const std::string id = entry.path().stem().string();
      dv::depth::Image photo = dv::depth::load_image((fs::path(o.kitti) / "image_2" / (id + ".png")).string());
      DepthMap d = dv::depth::project_lidar(dv::depth::load_velodyne(entry.path().string()),
                                            dv::depth::load_kitti_calibration((fs::path(o.kitti) / "calib" / (id + ".txt")).string()),
                                            photo.width, photo.height);
      frames.push_back({"kitti_" + id, "kitti", std::move(photo), std::move(d)});
    }
  if (o.frames > 0 && frames.size() > size_t(o.frames)) frames.resize(size_t(o.frames));
  return frames;
}

// Splits the valid pixels into kept and withheld: `share` of them at random, or every
// (1 / share)-th image row from a seeded offset.
void split(const DepthMap& sensor, double share, bool rows, uint32_t seed, DepthMap* kept, DepthMap* withheld) {
  *kept = *withheld = DepthMap{sensor.width, sensor.height, std::vector<float>(sensor.values.size(), 0.0f)};
  std::mt19937 rng(seed);
  std::bernoulli_distribution pick(share);
  const int k = int(std::lround(1.0 / share)), offset = int(rng() % uint32_t(k));
  for (size_t i = 0; i < sensor.values.size(); ++i) {
    if (!(sensor.values[i] > 0)) continue;
    const bool keep = rows ? (int(i / size_t(sensor.width)) + offset) % k == 0 : pick(rng);
    (keep ? kept : withheld)->values[i] = sensor.values[i];
  }
}

DepthMap median_scaled(const DepthMap& model_inverse, const DepthMap& kept) {
  std::vector<double> ratio;
  for (size_t i = 0; i < kept.values.size(); ++i)
    if (kept.values[i] > 0 && model_inverse.values[i] > 0) ratio.push_back(kept.values[i] * model_inverse.values[i]);
  if (ratio.empty()) return DepthMap{kept.width, kept.height, std::vector<float>(kept.values.size(), 0.0f)};
  std::nth_element(ratio.begin(), ratio.begin() + std::ptrdiff_t(ratio.size() / 2), ratio.end());
  DepthMap d = model_inverse;
  for (float& v : d.values) v = v > 0 ? float(ratio[ratio.size() / 2] / v) : 0.0f;
  return d;
}

struct Sums {
  double rel[3] = {}, d1[3] = {}, kept_share = 0, ms = 0;
  int n = 0;
};

const char* kMethods[3] = {"sensor-only", "model-only", "fused"};

void run_model(const std::string& model, const std::vector<Frame>& frames, const Options& o) {
  const std::string manifest = dv::depth::native_manifest_path();
  const auto catalog = dv::depth::ModelCatalog(manifest, dv::depth::native_model_dirs(manifest));
  dv::depth::DepthEstimator est(catalog.resolve(model), o.engine);
  std::map<std::string, Sums> table;  // "set sampling"
  std::vector<std::string> order;
  for (const Frame& f : frames) {
    const auto out = est.run(f.photo);
    const DepthMap inv = dv::depth::model_inverse_depth(out.model_output, est.info().output, f.photo.width, f.photo.height);
    size_t valid = 0;
    for (float v : f.sensor.values) valid += v > 0;
    for (const bool rows : {false, true})
      for (const double share : {0.01, 0.05}) {
        DepthMap kept, withheld;
        split(f.sensor, share, rows, o.seed, &kept, &withheld);
        const auto t0 = std::chrono::steady_clock::now();
        const auto fused = dv::depth::fuse_depth(kept, inv, o.fusion);
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        const dv::depth::EvalMetrics m[3] = {dv::depth::depth_metrics(dv::depth::fill_nearest(kept), withheld),
                                             dv::depth::depth_metrics(median_scaled(inv, kept), withheld),
                                             dv::depth::depth_metrics(fused.depth, withheld)};
        char key[64];
        std::snprintf(key, sizeof key, "%-6s %2.0f%% %-6s", f.set.c_str(), share * 100, rows ? "rows" : "random");
        if (!table.count(key)) order.push_back(key);
        Sums& s = table[key];
        for (int j = 0; j < 3; ++j) s.rel[j] += m[j].abs_rel, s.d1[j] += m[j].delta1;
        s.kept_share += double(valid - m[2].valid_pixels) / double(valid), s.ms += ms, ++s.n;
        std::printf("%-22s %s  AbsRel/d1: sensor %.4f/%.3f  model %.4f/%.3f  fused %.4f/%.3f  (%.0f ms; %s)\n", f.id.c_str(), key,
                    m[0].abs_rel, m[0].delta1, m[1].abs_rel, m[1].delta1, m[2].abs_rel, m[2].delta1, ms, fused.summary().c_str());
        std::fflush(stdout);
      }
  }
  std::printf("\n%s (%s), mean over frames, scored on withheld pixels:\n", est.info().label().c_str(), model.c_str());
  std::printf("| data, kept | frames | kept | %s AbsRel / d1 | %s AbsRel / d1 | %s AbsRel / d1 | fusion ms |\n", kMethods[0],
              kMethods[1], kMethods[2]);
  std::printf("|---|---|---|---|---|---|---|\n");
  for (const std::string& key : order) {
    const Sums& s = table[key];
    std::printf("| %s | %d | %.2f%% |", key.c_str(), s.n, 100 * s.kept_share / s.n);
    for (int j = 0; j < 3; ++j) std::printf(" %.4f / %.3f |", s.rel[j] / s.n, s.d1[j] / s.n);
    std::printf(" %.0f |\n", s.ms / s.n);
  }
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Sensor-only, model-only and fused depth on withheld sensor pixels"};
  Options o;
  app.add_option("--manifest", o.manifest, "evaluation manifest (indoor RGB-D)");
  app.add_option("--kitti", o.kitti, "KITTI object folder (velodyne/, calib/, image_2/)");
  app.add_option("--model", o.models, "ONNX models (manifest ids or files; default FastDepth and PyDNet++)");
  app.add_option("--threads", o.engine.threads, "engine worker threads")->check(CLI::Range(1, 64));
  app.add_option("--frames", o.frames, "first N frames only (0 = all)");
  app.add_option("--seed", o.seed, "seed of the random split and of the folds");
  app.add_option("--range-sigma", o.fusion.range_sigma, "fusion: grid cell along log depth");
  app.add_option("--prior", o.fusion.prior_weight, "fusion: prior weight of coarser levels");
  app.add_flag_function("--global-only", [&](int64_t) { o.fusion.local_correction = false; }, "fusion: no local correction");
  CLI11_PARSE(app, argc, argv);
  try {
    const std::vector<Frame> frames = load_frames(o);
    std::printf("%zu frames\n", frames.size());
    for (const std::string& m : o.models) run_model(m, frames, o);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dv_fusion_bench: %s\n", e.what());
    return 1;
  }
}
