// dv_flicker: flicker of per-frame depth, raw vs stabilised (depth/temporal.h), on two clips made
// from one photo (issue 17): (a) a still camera with sensor noise and exposure changes per frame,
// (b) a crop window panning across the photo by a known number of pixels per frame. Prints
// numbers, never judges them.
//
//   dv_flicker PHOTO [--model M] [--frames N] [--speed PX] [--noise SIGMA] [--exposure F] [--threads N]
//              [--history N] [--threshold T] [--max-translation PX] [--seed S]
//
// (a) temporal standard deviation per pixel of the depth aligned (scale + shift, least squares)
//     to the clip's temporal mean, averaged, relative to the mean's range (1st..99th percentile);
// (b) mean |depth_t(x, y) − depth_{t−1}(x + speed, y)| over the overlap, relative to the range of
//     depth_{t−1}; "aligned" also fits depth_t to the shifted previous frame first (local flicker only);
// and how far the stabilised frames are from the per-frame depth (aligned): smoothing must not
// buy steadiness by leaving the per-frame estimate behind.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "depth/model_download.h"
#include "depth/pipeline.h"
#include "depth/temporal.h"
#include "flicker_metrics.h"

namespace {

using dv::bench::relative_difference;
using dv::bench::robust_range;
using dv::depth::DepthMap;
using dv::depth::Image;

struct Options {
  std::string photo, model = DV_SHARED_DIR "/models/fastdepth.onnx";
  int frames = 30, speed = 4;
  float noise = 3.0f, exposure = 0.03f;
  unsigned seed = 1;
  dv::depth::EngineOptions engine;
  dv::depth::StabiliserOptions stabiliser;
};

// The photo's window [x0, x0 + w) with its exposure scaled by `gain` and Gaussian sensor noise.
Image frame(const Image& photo, int x0, int w, float gain, float noise, std::mt19937& rng) {
  std::normal_distribution<float> n(0.0f, noise);
  Image out{w, photo.height, std::vector<uint8_t>(size_t(w) * size_t(photo.height) * 3)};
  for (int y = 0; y < photo.height; ++y)
    for (int x = 0; x < w * 3; ++x) {
      const float v = float(photo.rgb[(size_t(y) * size_t(photo.width) + size_t(x0)) * 3 + size_t(x)]) * gain + n(rng);
      out.rgb[size_t(y) * size_t(w) * 3 + size_t(x)] = uint8_t(std::clamp(v + 0.5f, 0.0f, 255.0f));
    }
  return out;
}

// (a): per-pixel temporal std of the frames aligned to their mean, relative to the mean's range.
double still_flicker(const std::vector<DepthMap>& clip) {
  const size_t n = clip[0].values.size();
  std::vector<float> mean(n, 0.0f);
  for (const DepthMap& d : clip)
    for (size_t i = 0; i < n; ++i) mean[i] += d.values[i] / float(clip.size());
  std::vector<double> sum(n, 0.0), sum2(n, 0.0);
  for (const DepthMap& d : clip) {
    const auto fit = dv::depth::robust_linear_fit(d.values, mean, 0);
    for (size_t i = 0; i < n; ++i) {
      const double v = fit.scale * d.values[i] + fit.shift;
      sum[i] += v, sum2[i] += v * v;
    }
  }
  double std_sum = 0;
  const double t = double(clip.size());
  for (size_t i = 0; i < n; ++i) std_sum += std::sqrt(std::max(0.0, sum2[i] / t - (sum[i] / t) * (sum[i] / t)));
  return std_sum / double(n) / robust_range(mean);
}

// (b): mean |d_t(x, y) − d_{t−1}(x + speed, y)| over the overlap, averaged over the clip.
double pan_flicker(const std::vector<DepthMap>& clip, int speed, bool aligned) {
  double total = 0;
  for (size_t t = 1; t < clip.size(); ++t) {
    const DepthMap &cur = clip[t], &prev = clip[t - 1];
    std::vector<float> a, b;
    for (int y = 0; y < cur.height; ++y)
      for (int x = 0; x + speed < cur.width; ++x) {
        a.push_back(cur.values[size_t(y) * size_t(cur.width) + size_t(x)]);
        b.push_back(prev.values[size_t(y) * size_t(prev.width) + size_t(x + speed)]);
      }
    total += relative_difference(a, b, aligned);
  }
  return total / double(clip.size() - 1);
}

// How far the stabilised frames are from the per-frame depth (aligned): what smoothing changed.
double distance_from_raw(const std::vector<DepthMap>& raw, const std::vector<DepthMap>& stabilised) {
  double total = 0;
  for (size_t t = 0; t < raw.size(); ++t) total += relative_difference(raw[t].values, stabilised[t].values, true);
  return total / double(raw.size());
}

struct Clips {
  std::vector<DepthMap> raw, stabilised;
  double inference_ms = 0, stabiliser_ms = 0;
};

// Depth of each frame of a clip (x0 = speed * t, width w), raw and through one stabiliser.
Clips run_clip(dv::depth::DepthEstimator& est, const Image& photo, const Options& o, int speed, std::mt19937& rng) {
  std::uniform_real_distribution<float> gain(1.0f - o.exposure, 1.0f + o.exposure);
  const int w = photo.width - speed * (o.frames - 1);
  dv::depth::Stabiliser stabiliser(o.stabiliser);
  Clips c;
  for (int t = 0; t < o.frames; ++t) {
    const Image img = frame(photo, speed * t, w, gain(rng), o.noise, rng);
    const auto estimate = est.run(img);
    const auto t0 = std::chrono::steady_clock::now();
    c.stabilised.push_back(stabiliser.push(img, estimate.depth));
    c.stabiliser_ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    c.inference_ms += estimate.inference_ms;
    c.raw.push_back(estimate.depth);
  }
  c.inference_ms /= o.frames, c.stabiliser_ms /= o.frames;
  return c;
}

void print_ratio(const char* name, double raw, double stabilised) {
  std::printf("%-24s raw %.5f  stabilised %.5f  ratio %.3f\n", name, raw, stabilised, stabilised / raw);
}

int run(const Options& o) {
  const Image photo = dv::depth::load_image(o.photo);
  if (photo.width - o.speed * (o.frames - 1) < photo.width / 2)
    throw std::invalid_argument("--speed x --frames pans over more than half the photo's width");
  const std::string manifest = dv::depth::native_manifest_path();
  const auto catalog = dv::depth::ModelCatalog(manifest, dv::depth::native_model_dirs(manifest));
  dv::depth::DepthEstimator est(catalog.resolve(o.model), o.engine);
  std::printf("photo %s %dx%d, model %s, %d frames, noise %.1f, exposure ±%.0f%%, pan %d px/frame\n", o.photo.c_str(),
              photo.width, photo.height, est.info().label().c_str(), o.frames, o.noise, o.exposure * 100, o.speed);
  std::mt19937 rng(o.seed);
  const Clips still = run_clip(est, photo, o, 0, rng);
  print_ratio("(a) still: aligned std", still_flicker(still.raw), still_flicker(still.stabilised));
  const Clips pan = run_clip(est, photo, o, o.speed, rng);
  print_ratio("(b) pan: |d_t - d_t-1|", pan_flicker(pan.raw, o.speed, false),
              pan_flicker(pan.stabilised, o.speed, false));
  print_ratio("(b) pan: aligned", pan_flicker(pan.raw, o.speed, true), pan_flicker(pan.stabilised, o.speed, true));
  std::printf("stabilised vs per-frame depth (aligned, relative to the range): still %.5f, pan %.5f\n",
              distance_from_raw(still.raw, still.stabilised), distance_from_raw(pan.raw, pan.stabilised));
  std::printf("per frame: inference %.1f ms, stabiliser %.1f ms (%dx%d)\n", (still.inference_ms + pan.inference_ms) / 2,
              (still.stabiliser_ms + pan.stabiliser_ms) / 2, photo.width, photo.height);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Flicker of per-frame depth, raw vs stabilised, on clips made from a photo"};
  Options o;
  app.add_option("photo", o.photo, "photo the clips are made from")->required();
  app.add_option("--model", o.model, "ONNX model (a manifest model id or a file)");
  app.add_option("--frames", o.frames, "frames per clip")->check(CLI::Range(2, 1000));
  app.add_option("--speed", o.speed, "pan, pixels per frame")->check(CLI::Range(1, 100));
  app.add_option("--noise", o.noise, "sensor noise, standard deviation in 8-bit levels");
  app.add_option("--exposure", o.exposure, "exposure gain changes per frame, uniform in ±this");
  app.add_option("--threads", o.engine.threads, "engine worker threads")->check(CLI::Range(1, 64));
  app.add_option("--history", o.stabiliser.history, "stabiliser: frames averaged at most");
  app.add_option("--threshold", o.stabiliser.motion_threshold, "stabiliser: motion threshold");
  app.add_option("--depth-threshold", o.stabiliser.depth_threshold, "stabiliser: depth change taken as real");
  app.add_option("--max-translation", o.stabiliser.max_translation,
                 "stabiliser: camera translation searched (0 = none)");
  app.add_option("--seed", o.seed, "seed of the noise and exposure");
  CLI11_PARSE(app, argc, argv);
  try {
    return run(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dv_flicker: %s\n", e.what());
    return 1;
  }
}
