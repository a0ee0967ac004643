// Native video sources: FFmpeg (media/video) decodes on a thread of its own and presents each
// frame at its time stamp, so playback runs at the file's rate whatever the model does.
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <thread>
#include <utility>

#include "app/video_source.h"
#include "media/video/video_reader.h"

namespace dv::app {

namespace {

using Clock = std::chrono::steady_clock;

class FfmpegVideoSource : public VideoSource {
 public:
  FfmpegVideoSource(std::unique_ptr<media::VideoReader> reader, std::string path, std::string name)
      : reader_(std::move(reader)), path_(std::move(path)) {
    const media::VideoInfo& info = reader_->info();
    status_.name = std::move(name);
    status_.camera = info.camera;
    status_.playing = true;
    status_.duration_s = info.duration_s;
    status_.fps = info.fps();
    status_.frame_count = info.frame_count;
    thread_ = std::thread([this] { loop(); });
  }
  ~FfmpegVideoSource() override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      quit_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

  std::optional<SourceFrame> take_frame(int64_t* skipped) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (skipped) *skipped = std::exchange(skipped_, 0);
    return std::exchange(latest_, std::nullopt);
  }
  void play() override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (status_.ended && !status_.camera) seek_to_ = 0.0;  // play again from the start
    status_.playing = true;
    status_.ended = false;
    wake_.notify_all();
  }
  void pause() override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!status_.camera) status_.playing = false;
  }
  void seek(double time_s) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (status_.camera) return;
    seek_to_ = time_s;
    status_.ended = false;
    wake_.notify_all();
  }
  VideoStatus status() const override {
    std::lock_guard<std::mutex> lock(mutex_);
    return status_;
  }
  std::string path() const override { return path_; }

 private:
  // Decodes while playing (or once after a seek) and presents frames at their time stamps.
  void loop() {
    Clock::time_point start;  // wall-clock time of media time `start_media`
    double start_media = -1;
    for (;;) {
      std::optional<double> seek;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return quit_ || seek_to_ || (status_.playing && !status_.ended); });
        if (quit_) return;
        seek = std::exchange(seek_to_, std::nullopt);
      }
      media::VideoFrame frame;
      try {
        if (seek) reader_->seek(*seek), start_media = -1;
        if (!reader_->read(frame)) {
          finish("");
          continue;
        }
      } catch (const std::exception& e) {
        finish(e.what());
        continue;
      }
      const bool playing = status().playing;
      if (playing && start_media >= 0 && !status_.camera) {
        const auto due = start + std::chrono::duration_cast<Clock::duration>(
                                     std::chrono::duration<double>(frame.time_s - start_media));
        std::unique_lock<std::mutex> lock(mutex_);
        // A seek or quit interrupts the wait; the frame is then dropped.
        if (wake_.wait_until(lock, due, [&] { return quit_ || seek_to_.has_value() || !status_.playing; })) continue;
      }
      if (start_media < 0 || !playing) start = Clock::now(), start_media = frame.time_s;
      present(std::move(frame));
    }
  }
  void present(media::VideoFrame frame) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (latest_) ++skipped_;
    status_.time_s = frame.time_s;
    latest_ = SourceFrame{depth::Image{frame.width, frame.height, std::move(frame.rgb)}, frame.time_s, frame.index};
  }
  void finish(const std::string& error) {
    std::lock_guard<std::mutex> lock(mutex_);
    status_.playing = false;
    status_.ended = true;
    status_.error = error;
  }

  std::unique_ptr<media::VideoReader> reader_;
  std::string path_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  VideoStatus status_;
  std::optional<SourceFrame> latest_;
  std::optional<double> seek_to_;
  int64_t skipped_ = 0;
  bool quit_ = false;
  std::thread thread_;  // last: it starts with everything above constructed
};

}  // namespace

std::unique_ptr<VideoSource> open_video_file(const std::string& path) {
  return std::make_unique<FfmpegVideoSource>(media::VideoReader::open_file(path), path,
                                             std::filesystem::path(path).filename().string());
}

std::unique_ptr<VideoSource> open_camera(const std::string& device) {
  return std::make_unique<FfmpegVideoSource>(media::VideoReader::open_camera(device), "", "camera " + device);
}

}  // namespace dv::app
