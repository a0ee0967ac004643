// A parallax animation (scene/parallax.h) written to a file, chosen by its extension: .mp4 (H.264)
// and .webm (VP9) natively with FFmpeg (media/video); .webp (animated, media/write) in both builds.
// The page encodes MP4/WebM itself with WebCodecs from the renderer's frames (web/parallax.js).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "scene/parallax.h"

namespace dv::scene {

// The extensions this build writes ("mp4", "webm", "webp" where it has them).
const std::vector<std::string>& parallax_file_formats();
bool can_write_parallax(const std::string& extension);

// A parallax file written frame by frame (the viewer adds one per UI frame). abandon(), the
// destructor before finish(), or a failing finish() leave no file at `path`.
class ParallaxFileWriter {
 public:
  // Throws std::invalid_argument for an extension this build cannot write, media errors when the
  // encoder cannot start.
  ParallaxFileWriter(const std::string& path, int width, int height, float fps);
  ~ParallaxFileWriter();  // abandons an unfinished file; never throws
  ParallaxFileWriter(const ParallaxFileWriter&) = delete;
  ParallaxFileWriter& operator=(const ParallaxFileWriter&) = delete;
  void add(const depth::Image& frame);  // width x height RGB
  void finish();
  void abandon();
  const std::string& path() const { return path_; }

  struct Impl;

 private:
  std::string path_;
  std::unique_ptr<Impl> impl_;
};

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

// The parallax outputs by name, as `depthview --format` and the viewer offer them (those this build
// writes): parallax-mp4, parallax-webm, parallax-webp (STEM_parallax.EXT), sbs-video (both eyes
// side by side along the path, STEM_sbs_video.mp4).
const std::vector<std::string>& parallax_output_formats();
bool is_parallax_output(const std::string& format);

// Throws std::invalid_argument naming the file when the options or the size (8K) of `format` are
// refused for a width x height photo: callers check before building the layers.
void check_parallax_output(const std::string& format, const std::string& stem, ParallaxOptions options, int width, int height);

// Renders and writes `format` for `layers` next to `stem`; the size is checked (8K) before any
// frame is drawn. Throws as export_parallax; a cancelled export returns cancelled and no file.
ParallaxExportResult write_parallax_output(const std::string& format, const std::string& stem, const LayeredDepth& layers,
                                           ParallaxOptions options, const ParallaxProgress& progress = {});

}  // namespace dv::scene
