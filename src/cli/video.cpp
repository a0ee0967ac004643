#include "cli/video.h"

#include <cstdio>
#include <filesystem>

#include "cli/progress.h"

namespace fs = std::filesystem;

namespace dv::cli {

void process_video(depth::DepthEstimator& estimator, const std::string& path, const std::string& out_dir,
                   const depth::VideoExportOptions& options, size_t index, size_t total) {
  const std::string stem = (fs::path(out_dir) / fs::path(path).stem()).string();
  ProgressBar bar(1, true);
  const std::string name = fs::path(path).filename().string();
  const auto progress = [&](int64_t done, int64_t frames) {
    char text[64];
    if (frames > 0) std::snprintf(text, sizeof text, " frame %lld/%lld", static_cast<long long>(done), static_cast<long long>(frames));
    else std::snprintf(text, sizeof text, " frame %lld", static_cast<long long>(done));
    bar.draw_fraction(frames > 0 ? double(done) / double(frames) : 0.0, name + text);
    return true;
  };
  const depth::VideoExportResult r = depth::export_video(path, stem, estimator, options, progress);
  bar.clear();
  std::string files;
  for (const std::string& f : r.files) {
    if (!files.empty()) files += ", ";
    files += f;
  }
  std::printf("[%zu/%zu] %s: %lld frames, %s, %s, model %.0f ms/frame, %.1f s -> %s\n", index, total, path.c_str(),
              static_cast<long long>(r.frames), estimator.info().label().c_str(),
              options.stabilise ? "stabilised" : "raw", r.inference_ms, r.seconds, files.c_str());
  std::fflush(stdout);
}

}  // namespace dv::cli
