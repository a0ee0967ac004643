// Where the viewer's video frames come from. Natively a file or a camera is decoded with FFmpeg
// on a thread of its own (video_source_ffmpeg.cpp); in the browser the page's <video> element or
// camera hands frames over (PageVideoSource, fed by web/video.js through main.cpp's entry points).
// Either way a source presents frames at their own pace and the app takes the newest one, so a
// slow model drops frames instead of falling behind.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "depth/image.h"

namespace dv::app {

struct SourceFrame {
  depth::Image image;
  double time_s = 0;
  int64_t index = 0;
};

struct VideoStatus {
  std::string name;              // the file's name, or the camera
  bool camera = false, playing = false, ended = false;
  double time_s = 0, duration_s = 0, fps = 0;
  int64_t frame_count = -1;      // -1: unknown (camera)
  std::string error;             // the stream failed (damaged file, camera gone): shown once
};

class VideoSource {
 public:
  virtual ~VideoSource() = default;
  // The newest frame presented since the last call (older ones are skipped: `skipped` counts them).
  virtual std::optional<SourceFrame> take_frame(int64_t* skipped) = 0;
  virtual void play() = 0;
  virtual void pause() = 0;
  virtual void seek(double time_s) = 0;
  virtual VideoStatus status() const = 0;
  // Where the file is, for an export of every frame ("" for a camera or a page's video).
  virtual std::string path() const { return ""; }
};

// Natively: FFmpeg (throws media::VideoError with one message). Not in the browser build.
std::unique_ptr<VideoSource> open_video_file(const std::string& path);
std::unique_ptr<VideoSource> open_camera(const std::string& device);

// The page's video or camera: it pushes frames and its play state; commands go back to it
// through platform.h's video_command.
class PageVideoSource : public VideoSource {
 public:
  explicit PageVideoSource(VideoStatus status) : status_(std::move(status)) {}
  void push(SourceFrame frame);
  void set_state(bool playing, double time_s);
  void end(const std::string& error);
  std::optional<SourceFrame> take_frame(int64_t* skipped) override;
  void play() override;
  void pause() override;
  void seek(double time_s) override;
  VideoStatus status() const override;

 private:
  mutable std::mutex mutex_;
  VideoStatus status_;
  std::optional<SourceFrame> latest_;
  int64_t skipped_ = 0;
};

}  // namespace dv::app
