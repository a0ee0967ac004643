#include "app/video_source.h"

#include <utility>

#include "app/platform.h"

namespace dv::app {

void PageVideoSource::push(SourceFrame frame) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (latest_) ++skipped_;
  status_.time_s = frame.time_s;
  latest_ = std::move(frame);
}

void PageVideoSource::set_state(bool playing, double time_s) {
  std::lock_guard<std::mutex> lock(mutex_);
  status_.playing = playing;
  status_.time_s = time_s;
}

void PageVideoSource::end(const std::string& error) {
  std::lock_guard<std::mutex> lock(mutex_);
  status_.playing = false;
  status_.ended = true;
  status_.error = error;
}

std::optional<SourceFrame> PageVideoSource::take_frame(int64_t* skipped) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (skipped) *skipped = std::exchange(skipped_, 0);
  return std::exchange(latest_, std::nullopt);
}

void PageVideoSource::play() {
  set_state(true, status().time_s);
  video_command("play", 0);
}

void PageVideoSource::pause() {
  set_state(false, status().time_s);
  video_command("pause", 0);
}

void PageVideoSource::seek(double time_s) { video_command("seek", time_s); }

VideoStatus PageVideoSource::status() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return status_;
}

}  // namespace dv::app
