// Depth videos from a video file (native: FFmpeg through media/video): every frame in order
// through VideoDepth, written as a depth video, a side-by-side frame|depth video and/or a 16-bit
// PNG sequence. The videos keep the input's frame count and frame rate.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "depth/colormap.h"
#include "depth/pipeline.h"
#include "depth/temporal.h"

namespace dv::depth {

struct VideoExportOptions {
  bool depth_video = true;     // STEM_depth.EXT: the depth picture of each frame
  bool side_by_side = false;   // STEM_sbs.EXT: frame | depth picture, twice as wide
  bool png16 = false;          // STEM_depth/000000.png...: the depth map, 16-bit grey per frame
  std::string container = "mp4";  // of the videos: mp4 (H.264), webm (VP9), mkv, mov
  Colormap colormap = Colormap::Grey;
  bool stabilise = true;       // false: the per-frame ("raw") depth
  EstimateOptions estimate;
  StabiliserOptions stabiliser;
};

struct VideoExportResult {
  int64_t frames = 0;
  std::vector<std::string> files;  // videos, and the PNG folder
  double inference_ms = 0, seconds = 0;  // mean model time per frame; the whole export
  bool cancelled = false;
};

// `progress(done, total)` after each frame (total -1 when the container does not say); returning
// false cancels: the partial videos are deleted, the PNG folder too. Throws media::VideoError or
// std::runtime_error with one message (a damaged file stops the export; what was written is
// deleted, so no half file looks finished).
using VideoProgress = std::function<bool(int64_t done, int64_t total)>;
VideoExportResult export_video(const std::string& input, const std::string& stem, DepthEstimator& estimator,
                               const VideoExportOptions& options, const VideoProgress& progress = {});

// The depth picture of a frame (colour-mapped) and a frame beside its depth picture.
Image depth_picture(const DepthMap& depth, Colormap colormap);
Image side_by_side(const Image& left, const Image& right);

}  // namespace dv::depth
