// A parallax animation (scene/parallax.h) written to a file, chosen by its extension: .mp4 (H.264)
// and .webm (VP9) natively with FFmpeg (media/video); .webp (animated, media/write) in both builds.
// The page encodes MP4/WebM itself with WebCodecs from the renderer's frames (web/parallax.js).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "scene/parallax.h"

namespace dv::scene {

// The extensions this build writes ("mp4", "webm", "webp" where it has them).
const std::vector<std::string>& parallax_file_formats();
bool can_write_parallax(const std::string& extension);

struct ParallaxExportResult {
  std::string path;
  int frames = 0;
  bool cancelled = false;
  double seconds = 0;  // the whole export
};

// `progress(done, total)` after each frame; returning false cancels: no file is left behind (the
// partial video is deleted; the WebP is only written once complete). Throws std::invalid_argument
// for an extension this build cannot write, std::runtime_error (or media::VideoError) naming the
// file when encoding or writing fails: then nothing is left behind either.
using ParallaxProgress = std::function<bool(int done, int total)>;
ParallaxExportResult export_parallax(const ParallaxRenderer& renderer, const std::string& path,
                                     const ParallaxProgress& progress = {});

}  // namespace dv::scene
