// Depth for the frames of one video, in order: the estimator's per-frame depth, and that depth
// stabilised over time (depth/temporal.h). Shared by the CLI's export, the viewer (live and export)
// and the benchmarks, natively and in the browser.
#pragma once

#include <string>

#include "depth/image.h"
#include "depth/pipeline.h"
#include "depth/temporal.h"

namespace dv::depth {

struct VideoDepthFrame {
  DepthMap raw;          // per-frame depth, normalised to [0, 1] on its own
  DepthMap stabilised;   // aligned to the previous frames and filtered, clamped to [0, 1]
  StabiliserFrame stabiliser;
  int model_width = 0, model_height = 0;
  double inference_ms = 0, stabiliser_ms = 0;
};

// Whether a path names a video file by its extension (mp4, m4v, mov, webm, mkv, avi, y4m, mpg, ts).
bool is_video_path(const std::string& path);

class VideoDepth {
 public:
  explicit VideoDepth(const StabiliserOptions& options = {}) : stabiliser_(options) {}
  // The next frame of the stream (a frame of another size starts afresh, like a cut).
  VideoDepthFrame process(DepthEstimator& estimator, const Image& frame, const EstimateOptions& options = {});
  // A seek, another video or a camera: the next frame is not compared with the last one.
  void reset() { stabiliser_.reset(); }

 private:
  Stabiliser stabiliser_;
};

}  // namespace dv::depth
