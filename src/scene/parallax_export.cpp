#include "scene/parallax_export.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <stdexcept>

#include "depth/export.h"
#if DV_HAVE_VIDEO_WRITER
#include "media/video/video_writer.h"
#endif
#if DV_HAVE_WEBP
#include "media/write/animated_webp.h"
#endif

namespace dv::scene {

namespace fs = std::filesystem;

namespace {

std::string extension_of(const std::string& path) {
  std::string ext = fs::path(path).extension().string();
  if (!ext.empty()) ext.erase(0, 1);
  for (char& c : ext) c = char(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

struct ParallaxOutput {
  const char* name;
  const char* suffix;  // after the stem
  bool stereo;
};

constexpr ParallaxOutput kOutputs[] = {{"parallax-mp4", "_parallax.mp4", false},
                                       {"parallax-webm", "_parallax.webm", false},
                                       {"parallax-webp", "_parallax.webp", false},
                                       {"sbs-video", "_sbs_video.mp4", true}};

const ParallaxOutput* find_output(const std::string& name) {
  for (const ParallaxOutput& o : kOutputs)
    if (name == o.name) return &o;
  return nullptr;
}

}  // namespace

// Natively the video goes to FFmpeg as it comes (abandon() deletes it); WebP frames stay in
// memory until the file is written whole.
struct ParallaxFileWriter::Impl {
#if DV_HAVE_VIDEO_WRITER
  std::unique_ptr<media::VideoWriter> video;
#endif
#if DV_HAVE_WEBP
  std::unique_ptr<media::AnimatedWebpWriter> webp;
#endif
};

ParallaxFileWriter::ParallaxFileWriter(const std::string& path, int width, int height, float fps)
    : path_(path), impl_(std::make_unique<Impl>()) {
  const std::string ext = extension_of(path);
  if (!can_write_parallax(ext)) {
    std::string list;
    for (const std::string& f : parallax_file_formats()) list += (list.empty() ? "" : ", ") + f;
    throw std::invalid_argument(path + ": this build writes parallax animations as " + (list.empty() ? "nothing" : list));
  }
#if DV_HAVE_VIDEO_WRITER
  if (ext == "mp4" || ext == "webm") {
    media::VideoWriterOptions vo;
    vo.fps_num = int(std::lround(fps * 1000.0f)), vo.fps_den = 1000;
    impl_->video = std::make_unique<media::VideoWriter>(path, width, height, vo);
  }
#endif
#if DV_HAVE_WEBP
  if (ext == "webp") {
    media::AnimatedWebpOptions wo;
    wo.fps = fps;
    impl_->webp = std::make_unique<media::AnimatedWebpWriter>(width, height, wo);
  }
#endif
}

ParallaxFileWriter::~ParallaxFileWriter() { abandon(); }

void ParallaxFileWriter::add(const depth::Image& frame) {
#if DV_HAVE_VIDEO_WRITER
  if (impl_->video) impl_->video->write(frame.rgb.data());
#endif
#if DV_HAVE_WEBP
  if (impl_->webp) impl_->webp->add(frame.rgb.data());
#endif
  (void)frame;
}

void ParallaxFileWriter::finish() {
  try {
#if DV_HAVE_VIDEO_WRITER
    if (impl_->video) impl_->video->finish(), impl_->video.reset();
#endif
#if DV_HAVE_WEBP
    if (impl_->webp) {
      const std::vector<uint8_t> bytes = impl_->webp->finish();
      impl_->webp.reset();
      depth::write_bytes(path_, bytes);
    }
#endif
  } catch (...) {
    abandon();
    std::error_code ec;
    fs::remove(path_, ec);  // a short write leaves no half file
    throw;
  }
}

void ParallaxFileWriter::abandon() {
#if DV_HAVE_VIDEO_WRITER
  if (impl_->video) impl_->video->abandon(), impl_->video.reset();
#endif
#if DV_HAVE_WEBP
  impl_->webp.reset();
#endif
}

const std::vector<std::string>& parallax_output_formats() {
  static const std::vector<std::string> formats = [] {
    std::vector<std::string> f;
    for (const ParallaxOutput& o : kOutputs)
      if (can_write_parallax(extension_of(o.suffix))) f.push_back(o.name);
    return f;
  }();
  return formats;
}

bool is_parallax_output(const std::string& format) {
  const auto& f = parallax_output_formats();
  return std::find(f.begin(), f.end(), format) != f.end();
}

namespace {

const ParallaxOutput& output_named(const std::string& format) {
  const ParallaxOutput* out = find_output(format);
  if (!out || !is_parallax_output(format)) throw std::invalid_argument("this build has no parallax output '" + format + "'");
  return *out;
}

}  // namespace

void check_parallax_output(const std::string& format, const std::string& stem, ParallaxOptions options, int width, int height) {
  const ParallaxOutput& out = output_named(format);
  options.stereo = out.stereo;
  try {
    check_parallax_options(options, width, height);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(stem + out.suffix + ": " + e.what());
  }
}

ParallaxExportResult write_parallax_output(const std::string& format, const std::string& stem, const LayeredDepth& layers,
                                           ParallaxOptions options, const ParallaxProgress& progress) {
  const ParallaxOutput& out = output_named(format);
  check_parallax_output(format, stem, options, layers.foreground.color.width, layers.foreground.color.height);
  options.stereo = out.stereo;
  return export_parallax(ParallaxRenderer(layers, options), stem + out.suffix, progress);
}

const std::vector<std::string>& parallax_file_formats() {
  static const std::vector<std::string> formats = {
#if DV_HAVE_VIDEO_WRITER
      "mp4", "webm",
#endif
#if DV_HAVE_WEBP
      "webp",
#endif
  };
  return formats;
}

bool can_write_parallax(const std::string& extension) {
  for (const std::string& f : parallax_file_formats())
    if (f == extension) return true;
  return false;
}

ParallaxExportResult export_parallax(const ParallaxRenderer& r, const std::string& path, const ParallaxProgress& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  ParallaxFileWriter writer(path, r.width(), r.height(), r.fps());
  ParallaxExportResult result;
  result.path = path;
  for (int i = 0; i < r.frame_count() && !result.cancelled; ++i) {
    writer.add(r.frame(i));
    result.frames = i + 1;
    result.cancelled = progress && !progress(i + 1, r.frame_count());
  }
  if (result.cancelled) writer.abandon();
  else writer.finish();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

}  // namespace dv::scene
