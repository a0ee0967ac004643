// A model download on a worker thread for the desktop viewer (in the browser the page downloads):
// the UI reads the progress each frame, can cancel, and takes the outcome once.
#pragma once

#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "depth/model_download.h"

namespace dv::app {

class ModelFetch {
 public:
  struct Outcome {
    depth::DownloadPlan plan;
    bool ok = false, cancelled = false;
    depth::DownloadReport report;  // when ok
    std::string message;           // why not, when not ok
  };

  ModelFetch() = default;
  ~ModelFetch();  // cancels a running download and waits for it (the .part stays for next time)
  ModelFetch(const ModelFetch&) = delete;
  ModelFetch& operator=(const ModelFetch&) = delete;

  // Starts downloading `plan`; false when a download is running or its outcome not taken yet.
  bool start(depth::DownloadPlan plan);
  void cancel() { cancel_ = true; }
  // Running, or finished with an outcome not taken yet.
  bool active() const { return running_ || has_outcome_; }
  bool running() const { return running_; }
  depth::DownloadProgress progress() const;
  std::string label() const;  // what is being downloaded ("" = nothing)
  std::optional<Outcome> take_outcome();

 private:
  void run(depth::DownloadPlan plan);
  mutable std::mutex mutex_;
  depth::DownloadProgress progress_;
  std::string label_;
  std::optional<Outcome> outcome_;
  std::atomic<bool> running_{false}, has_outcome_{false}, cancel_{false};
  std::thread thread_;
};

}  // namespace dv::app
