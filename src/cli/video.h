// depthview CLIP.mp4 -o DIR: depth videos for a video file (depth/video_export.h), one line per clip.
#pragma once

#include <string>
#include <vector>

#include "depth/pipeline.h"
#include "depth/video_depth.h"
#include "depth/video_export.h"

namespace dv::cli {

// video formats of --video-format: depth (depth video), sbs (frame | depth), png16 (PNG sequence).
inline const std::vector<std::string> kVideoFormats = {"depth", "sbs", "png16"};

// Writes DIR/NAME_depth.EXT, DIR/NAME_sbs.EXT and/or DIR/NAME_depth/*.png; throws with the reason.
void process_video(depth::DepthEstimator& estimator, const std::string& path, const std::string& out_dir,
                   const depth::VideoExportOptions& options, size_t index, size_t total);

}  // namespace dv::cli
