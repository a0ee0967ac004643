// A one-line progress bar for batches, drawn on stderr only when it is a terminal (logs and pipes
// get the plain per-photo lines).
#pragma once

#include <cstdio>
#include <string>

#include <unistd.h>

namespace dv::cli {

class ProgressBar {
 public:
  explicit ProgressBar(size_t total) : total_(total), enabled_(total > 1 && isatty(fileno(stderr))) {}
  ~ProgressBar() { clear(); }
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // Before printing a line of output: wipe the bar so the line is not mixed with it.
  void clear() {
    if (enabled_ && drawn_) std::fprintf(stderr, "\r\033[K");
    drawn_ = false;
  }
  // Draw the bar for `done` of `total` photos, with what comes next.
  void draw(size_t done, const std::string& next) {
    if (!enabled_) return;
    constexpr size_t kWidth = 30;
    const size_t filled = total_ ? done * kWidth / total_ : kWidth;
    std::fprintf(stderr, "\r\033[K[%s%s] %zu/%zu %s", std::string(filled, '#').c_str(),
                 std::string(kWidth - filled, '.').c_str(), done, total_, next.c_str());
    std::fflush(stderr);
    drawn_ = true;
  }

 private:
  size_t total_;
  bool enabled_, drawn_ = false;
};

}  // namespace dv::cli
