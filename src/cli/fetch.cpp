#include "cli/fetch.h"

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "cli/progress.h"
#include "depth/model_download.h"

namespace fs = std::filesystem;

namespace dv::cli {

namespace {

// "12.3 / 49.6 MB, 13.4 MB/s, 0:03 left"
std::string progress_text(const depth::DownloadProgress& p) {
  char text[128];
  const double mb = double(p.bytes) / 1e6, total = double(p.total) / 1e6, rate = p.bytes_per_s / 1e6;
  if (p.total == 0) {
    std::snprintf(text, sizeof text, "%.1f MB, %.1f MB/s", mb, rate);
    return text;
  }
  const double left = rate > 0 ? (total - mb) / rate : 0;
  std::snprintf(text, sizeof text, "%.1f / %.1f MB (%.0f%%), %.1f MB/s, %d:%02d left", mb, total, 100 * mb / total,
                rate, int(left) / 60, int(left) % 60);
  return text;
}

// A bar on a terminal, redrawn at most 10 times a second; elsewhere (logs, tests) a line per tenth.
class DownloadMeter {
 public:
  bool operator()(const depth::DownloadProgress& p) {
    const auto now = std::chrono::steady_clock::now();
    if (bar_.enabled()) {
      if (now - last_ < std::chrono::milliseconds(100)) return true;
      last_ = now;
      bar_.draw_fraction(p.total ? double(p.bytes) / double(p.total) : 0.0, progress_text(p));
    } else if (p.total > 0 && p.bytes * 10 / p.total > tenth_ && p.bytes < p.total) {
      tenth_ = p.bytes * 10 / p.total;
      std::fprintf(stderr, "  %s\n", progress_text(p).c_str());
    }
    return true;
  }
  void clear() { bar_.clear(); }

 private:
  ProgressBar bar_{1, true};
  std::chrono::steady_clock::time_point last_{};
  uint64_t tenth_ = 0;
};

void print_report(const depth::DownloadPlan& plan, const depth::DownloadReport& r) {
  const double rate = r.seconds > 0 ? double(r.fetched) / r.seconds / 1e6 : 0;
  std::printf("depthview: installed %s: %s (%llu bytes) in %.2f s, %.1f MB/s; fetched %llu bytes", r.path.c_str(),
              depth::megabytes(r.size).c_str(), (unsigned long long)r.size, r.seconds, rate,
              (unsigned long long)r.fetched);
  if (r.kept) std::printf(", resumed after %llu kept", (unsigned long long)r.kept);
  std::printf(", %llu re-fetched; sha256 %s %s\n", (unsigned long long)r.refetched, r.sha256.c_str(),
              plan.variant.sha256.empty() ? "(not pinned)" : "(matches the manifest)");
  if (plan.variant.sha256.empty())
    std::printf("depthview: the manifest pins no sha256 for %s (%s): pin the value above in models/models.json\n",
                plan.model_id.c_str(), plan.variant.name.c_str());
}

}  // namespace

int fetch_model(const depth::ModelCatalog& catalog, const FetchOptions& o) {
  depth::DownloadPlan plan;
  try {
    plan = depth::plan_download(catalog, o.id, o.variant, depth::hub_override(o.hub), o.dir);
  } catch (const depth::DownloadError& e) {
    std::fprintf(stderr, "depthview: %s\n", e.what());
    return 2;
  }
  const depth::ModelVariant* installed = catalog.find(plan.model_id)->find_variant(plan.variant.name);
  if (!installed->path.empty()) {
    std::printf("depthview: %s is installed already: %s\n", plan.variant_label.c_str(), installed->path.c_str());
    return 0;
  }
  std::error_code ec;
  const auto part = fs::file_size(depth::partial_path(plan.dest), ec);
  std::printf("depthview: %s from %s -> %s%s\n", plan.variant_label.c_str(), plan.url.c_str(), plan.dest.c_str(),
              !ec && part > 0 ? (", resuming after " + depth::megabytes(part)).c_str() : "");
  std::fflush(stdout);
  DownloadMeter meter;
  depth::DownloadOptions options;
  options.progress = [&](const depth::DownloadProgress& p) { return meter(p); };
  options.stall_timeout_s = o.stall_timeout_s;
  try {
    const depth::DownloadReport report = depth::download_model(plan, options);
    meter.clear();
    print_report(plan, report);
    return 0;
  } catch (const depth::DownloadError& e) {
    meter.clear();
    std::fprintf(stderr, "depthview: %s\n", e.what());
    return 1;
  }
}

}  // namespace dv::cli
