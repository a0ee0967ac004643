#include "depth/video_depth.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <set>

namespace dv::depth {

bool is_video_path(const std::string& path) {
  static const std::set<std::string> ext = {".mp4", ".m4v", ".mov", ".webm", ".mkv", ".avi", ".y4m", ".mpg", ".mpeg", ".ts"};
  std::string e = std::filesystem::path(path).extension().string();
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return ext.count(e) > 0;
}

VideoDepthFrame VideoDepth::process(DepthEstimator& estimator, const Image& frame, const EstimateOptions& options) {
  DepthEstimate estimate = estimator.run(frame, options);
  VideoDepthFrame out;
  out.model_width = estimate.model_width;
  out.model_height = estimate.model_height;
  out.inference_ms = estimate.inference_ms;
  const auto t0 = std::chrono::steady_clock::now();
  out.stabilised = stabiliser_.push(frame, estimate.depth);
  // The stabiliser keeps the scale of the stream's first frame, so a later frame can reach a
  // little past [0, 1]; displays and 16-bit exports expect the normalised range.
  for (float& v : out.stabilised.values) v = std::clamp(v, 0.0f, 1.0f);
  out.stabiliser_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  out.stabiliser = stabiliser_.last();
  out.raw = std::move(estimate.depth);
  return out;
}

}  // namespace dv::depth
