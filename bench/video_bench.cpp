// dv_video_bench: per-frame vs stabilised depth (depth/video_depth.h) on real footage (issue 17).
// Prints numbers, never judges them.
//
//   dv_video_bench [--clip FILE] [--manifest FILE] [--model M] [--threads N] [--int8] [--size S]
//                  [--frames N] [--still T]
//
// (c) the clip (default ../shared/video/davis_rollercoaster.mp4, no ground truth): for each pair of
//     consecutive frames, the pixels whose blurred luminance changed by less than T (after
//     matching the mean brightness) should keep their depth: mean |d_t − (a d_{t−1} + b)| over
//     them (a, b fitted), relative to the range of d_{t−1}, averaged over the clip.
// Accuracy: the RGB-D frames of ../shared/eval grouped into their sequences (ids NAME_K, in order),
//     each sequence run as a video: AbsRel / δ1 per frame (the evaluation protocol) of the
//     per-frame depth and of the stabilised depth.
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "depth/evaluate.h"
#include "depth/guided_filter.h"
#include "depth/model_download.h"
#include "depth/video_depth.h"
#include "flicker_metrics.h"
#include "media/video/video_reader.h"

namespace {

using dv::depth::DepthMap;
using dv::depth::Image;

struct Options {
  std::string clip = DV_SHARED_DIR "/video/davis_rollercoaster.mp4";
  std::string manifest = DV_SHARED_DIR "/eval/manifest.json";
  std::string model = DV_SHARED_DIR "/models/fastdepth.onnx";
  int frames = 0;          // 0 = the whole clip
  float still = 0.02f;     // luminance change (0..1) below which a pixel counts as unchanged
  dv::depth::EngineOptions engine{2, false};
  dv::depth::StabiliserOptions stabiliser;
  dv::depth::EstimateOptions estimate;  // --size: short side of keep-aspect models' input (as the viewer's `set size`)
};

std::vector<float> blurred_luma(const Image& img) {
  return dv::depth::box_mean(dv::depth::luminance(img), img.width, img.height, 2);
}

// One pair of frames: depth change where the photo did not change; `share` gets their fraction.
double still_change(const std::vector<float>& la, const std::vector<float>& lb, const DepthMap& a, const DepthMap& b,
                    float threshold, double* share) {
  double ma = 0, mb = 0;
  for (size_t i = 0; i < la.size(); ++i) ma += la[i], mb += lb[i];
  const float gain = mb > 0 ? float(ma / mb) : 1.0f;
  std::vector<float> da, db;
  for (size_t i = 0; i < la.size(); ++i)
    if (std::abs(la[i] - gain * lb[i]) < threshold) da.push_back(a.values[i]), db.push_back(b.values[i]);
  *share = double(da.size()) / double(la.size());
  return da.size() < 100 ? 0.0 : dv::bench::relative_difference(da, db, true);
}

void run_clip(dv::depth::DepthEstimator& est, const Options& o) {
  const auto reader = dv::media::VideoReader::open_file(o.clip);
  const auto& info = reader->info();
  dv::depth::VideoDepth video(o.stabiliser);
  dv::media::VideoFrame f;
  std::vector<float> prev_luma;
  DepthMap prev_raw, prev_stab;
  double raw_sum = 0, stab_sum = 0, share_sum = 0, infer_ms = 0, stab_ms = 0;
  int n = 0, pairs = 0;
  while ((o.frames == 0 || n < o.frames) && reader->read(f)) {
    const Image img{f.width, f.height, std::move(f.rgb)};
    dv::depth::VideoDepthFrame d = video.process(est, img, o.estimate);
    std::vector<float> luma = blurred_luma(img);
    if (n > 0) {
      double share = 0;
      raw_sum += still_change(luma, prev_luma, d.raw, prev_raw, o.still, &share);
      stab_sum += still_change(luma, prev_luma, d.stabilised, prev_stab, o.still, &share);
      share_sum += share;
      ++pairs;
    }
    infer_ms += d.inference_ms, stab_ms += d.stabiliser_ms, ++n;
    prev_luma = std::move(luma), prev_raw = std::move(d.raw), prev_stab = std::move(d.stabilised);
  }
  std::printf("(c) %s: %d frames %dx%d at %.2f/s, %s\n", o.clip.c_str(), n, info.width, info.height, info.fps(),
              est.info().label().c_str());
  if (pairs == 0) return;
  std::printf("(c) depth change where the photo changed < %.3f (%.0f%% of pixels): raw %.5f  stabilised %.5f  ratio %.3f\n",
              o.still, 100 * share_sum / pairs, raw_sum / pairs, stab_sum / pairs, stab_sum / raw_sum);
  // The viewer's live mode runs both on its depth thread, one frame after the other.
  std::printf("(c) per frame: inference %.1f ms, stabiliser %.1f ms: live depth at most %.1f frames/s\n", infer_ms / n,
              stab_ms / n, 1000.0 * n / (infer_ms + stab_ms));
}

// "slambook2_ch5_3" -> "slambook2_ch5": the sequence a frame belongs to.
std::string sequence_of(const std::string& id) {
  const size_t cut = id.find_last_of('_');
  return cut == std::string::npos ? id : id.substr(0, cut);
}

void run_eval(dv::depth::DepthEstimator& est, const Options& o) {
  std::map<std::string, std::vector<dv::depth::EvalEntry>> sequences;
  for (const auto& e : dv::depth::read_eval_manifest(o.manifest)) sequences[sequence_of(e.id)].push_back(e);
  double raw_rel = 0, raw_d1 = 0, stab_rel = 0, stab_d1 = 0;
  int frames = 0;
  for (const auto& [name, entries] : sequences) {
    dv::depth::VideoDepth video(o.stabiliser);  // each sequence is a video of its own
    for (const auto& e : entries) {
      const Image img = dv::depth::load_image(e.rgb_path);
      const auto d = video.process(est, img, {});
      const DepthMap gt = dv::depth::load_ground_truth(e);
      const auto inverse = dv::depth::OutputKind::RelativeInverseDepth;  // both maps: bright = near
      const auto mr = dv::depth::evaluate_depth(d.raw, inverse, gt);
      const auto ms = dv::depth::evaluate_depth(d.stabilised, inverse, gt);
      std::printf("%-22s per-frame AbsRel %.4f d1 %.4f   stabilised AbsRel %.4f d1 %.4f\n", e.id.c_str(), mr.abs_rel,
                  mr.delta1, ms.abs_rel, ms.delta1);
      raw_rel += mr.abs_rel, raw_d1 += mr.delta1, stab_rel += ms.abs_rel, stab_d1 += ms.delta1, ++frames;
    }
  }
  if (frames == 0) return;
  std::printf("mean over %d frames in %zu sequences (%s): per-frame AbsRel %.4f d1 %.4f   stabilised AbsRel %.4f d1 %.4f\n",
              frames, sequences.size(), est.info().label().c_str(), raw_rel / frames, raw_d1 / frames,
              stab_rel / frames, stab_d1 / frames);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Per-frame vs stabilised depth on a real clip and on the RGB-D sequences"};
  Options o;
  bool no_clip = false, no_eval = false;
  app.add_option("--clip", o.clip, "video file for (c)");
  app.add_option("--manifest", o.manifest, "evaluation manifest (../shared/eval)");
  app.add_option("--model", o.model, "ONNX model (a manifest model id or a file)");
  app.add_option("--threads", o.engine.threads, "engine worker threads")->check(CLI::Range(1, 64));
  app.add_option("--frames", o.frames, "frames of the clip (0 = all)")->check(CLI::Range(0, 100000));
  app.add_option("--still", o.still, "luminance change below which a pixel is unchanged (0..1)");
  app.add_option("--depth-threshold", o.stabiliser.depth_threshold, "stabiliser: depth change taken as real");
  app.add_option("--threshold", o.stabiliser.motion_threshold, "stabiliser: motion threshold");
  app.add_flag("--int8", o.engine.int8, "the engine's int8 mode");
  app.add_option("--size", o.estimate.size, "short side of keep-aspect models' input (0 = the model's own)");
  app.add_flag("--no-clip", no_clip, "skip (c)");
  app.add_flag("--no-eval", no_eval, "skip the accuracy on the RGB-D sequences");
  CLI11_PARSE(app, argc, argv);
  try {
    const std::string manifest = dv::depth::native_manifest_path();
    const auto catalog = dv::depth::ModelCatalog(manifest, dv::depth::native_model_dirs(manifest));
    dv::depth::DepthEstimator est(catalog.resolve(o.model), o.engine);
    if (!no_clip) run_clip(est, o);
    if (!no_eval) run_eval(est, o);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dv_video_bench: %s\n", e.what());
    return 1;
  }
}
