// A one-line progress bar, drawn on stderr only when it is a terminal (logs and pipes get the
// plain lines instead): photos of a batch, bytes of a download.
#pragma once

#include <algorithm>
#include <cstdio>
#include <string>

#include <unistd.h>

namespace dv::cli {

class ProgressBar {
 public:
  // A batch of `total` photos (one photo needs no bar).
  explicit ProgressBar(size_t total) : ProgressBar(total, total > 1) {}
  ProgressBar(size_t total, bool wanted) : total_(total), enabled_(wanted && isatty(fileno(stderr))) {}
  ~ProgressBar() { clear(); }
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  bool enabled() const { return enabled_; }
  // Before printing a line of output: wipe the bar so the line is not mixed with it.
  void clear() {
    if (enabled_ && drawn_) std::fprintf(stderr, "\r\033[K");
    drawn_ = false;
  }
  // Draw the bar for `done` of `total` photos, with what comes next.
  void draw(size_t done, const std::string& next) {
    draw_fraction(total_ ? double(done) / double(total_) : 1.0,
                  std::to_string(done) + "/" + std::to_string(total_) + " " + next);
  }
  // Draw the bar `fraction` (0..1) full, followed by `text`.
  void draw_fraction(double fraction, const std::string& text) {
    if (!enabled_) return;
    constexpr size_t kWidth = 30;
    const size_t filled = size_t(std::clamp(fraction, 0.0, 1.0) * kWidth);
    std::fprintf(stderr, "\r\033[K[%s%s] %s", std::string(filled, '#').c_str(),
                 std::string(kWidth - filled, '.').c_str(), text.c_str());
    std::fflush(stderr);
    drawn_ = true;
  }

 private:
  size_t total_;
  bool enabled_, drawn_ = false;
};

}  // namespace dv::cli
