#include "depth/video_export.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>

#include "depth/export.h"
#include "depth/video_depth.h"
#include "media/video/video_reader.h"
#include "media/video/video_writer.h"

namespace fs = std::filesystem;

namespace dv::depth {

Image depth_picture(const DepthMap& depth, Colormap colormap) {
  return Image{depth.width, depth.height, apply_colormap(depth, colormap)};
}

Image side_by_side(const Image& left, const Image& right) {
  if (left.height != right.height) throw std::invalid_argument("side_by_side: the pictures differ in height");
  Image out{left.width + right.width, left.height, {}};
  out.rgb.resize(size_t(out.width) * size_t(out.height) * 3);
  const size_t lrow = size_t(left.width) * 3, rrow = size_t(right.width) * 3;
  for (int y = 0; y < out.height; ++y) {
    uint8_t* row = &out.rgb[size_t(y) * (lrow + rrow)];
    std::copy_n(&left.rgb[size_t(y) * lrow], lrow, row);
    std::copy_n(&right.rgb[size_t(y) * rrow], rrow, row + lrow);
  }
  return out;
}

namespace {

// The outputs of one export; whatever is not finished is removed when it goes away.
class ExportFiles {
 public:
  ExportFiles(const std::string& stem, const VideoExportOptions& o, const media::VideoInfo& info) : o_(o) {
    media::VideoWriterOptions w;
    w.fps_num = info.fps_num > 0 ? info.fps_num : 30;
    w.fps_den = info.fps_num > 0 ? info.fps_den : 1;
    const std::string ext = "." + o.container;
    if (o.depth_video) depth_ = open(stem + "_depth" + ext, info.width, info.height, w);
    if (o.side_by_side) sbs_ = open(stem + "_sbs" + ext, info.width * 2, info.height, w);
    if (o.png16) {
      png_dir_ = stem + "_depth";
      fs::create_directories(png_dir_);
      files_.push_back(png_dir_ + "/");
    }
  }
  ~ExportFiles() {
    if (finished_) return;
    if (depth_) depth_->abandon();
    if (sbs_) sbs_->abandon();
    std::error_code ec;
    if (!png_dir_.empty()) fs::remove_all(png_dir_, ec);
  }
  void write(int64_t index, const Image& frame, const DepthMap& depth) {
    if (depth_ || sbs_) {
      const Image picture = depth_picture(depth, o_.colormap);
      if (depth_) depth_->write(picture.rgb.data());
      if (sbs_) sbs_->write(side_by_side(frame, picture).rgb.data());
    }
    if (!png_dir_.empty()) {
      char name[32];
      std::snprintf(name, sizeof name, "/%06lld.png", static_cast<long long>(index));
      write_png16(png_dir_ + name, depth);
    }
  }
  std::vector<std::string> finish() {
    if (depth_) depth_->finish();
    if (sbs_) sbs_->finish();
    finished_ = true;
    return files_;
  }

 private:
  std::unique_ptr<media::VideoWriter> open(const std::string& path, int w, int h, const media::VideoWriterOptions& o) {
    files_.push_back(path);
    return std::make_unique<media::VideoWriter>(path, w, h, o);
  }
  const VideoExportOptions& o_;
  std::unique_ptr<media::VideoWriter> depth_, sbs_;
  std::string png_dir_;
  std::vector<std::string> files_;
  bool finished_ = false;
};

}  // namespace

VideoExportResult export_video(const std::string& input, const std::string& stem, DepthEstimator& estimator,
                               const VideoExportOptions& options, const VideoProgress& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  const auto reader = media::VideoReader::open_file(input);
  const media::VideoInfo& info = reader->info();
  ExportFiles files(stem, options, info);
  VideoDepth video(options.stabiliser);
  VideoExportResult result;
  media::VideoFrame frame;
  double inference_ms = 0;
  while (reader->read(frame)) {
    const Image photo{frame.width, frame.height, std::move(frame.rgb)};
    VideoDepthFrame d = video.process(estimator, photo, options.estimate);
    files.write(result.frames, photo, options.stabilise ? d.stabilised : d.raw);
    inference_ms += d.inference_ms;
    ++result.frames;
    if (progress && !progress(result.frames, info.frame_count)) {
      result.cancelled = true;
      return result;  // ExportFiles removes the partial outputs
    }
  }
  if (result.frames == 0) throw media::VideoError(fs::path(input).filename().string() + " has no video frames");
  result.files = files.finish();
  result.inference_ms = inference_ms / double(result.frames);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

}  // namespace dv::depth
