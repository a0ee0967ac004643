#include "app/model_fetch.h"

#include <utility>

namespace dv::app {

ModelFetch::~ModelFetch() {
  cancel_ = true;
  if (thread_.joinable()) thread_.join();
}

bool ModelFetch::start(depth::DownloadPlan plan) {
  if (active()) return false;
  if (thread_.joinable()) thread_.join();  // the last one has finished: its outcome was taken
  {
    std::lock_guard<std::mutex> lock(mutex_);
    progress_ = {0, plan.variant.size, 0};
    label_ = plan.variant_label;
  }
  cancel_ = false;
  running_ = true;
  thread_ = std::thread([this, plan = std::move(plan)]() mutable { run(std::move(plan)); });
  return true;
}

void ModelFetch::run(depth::DownloadPlan plan) {
  Outcome outcome{plan, false, false, {}, ""};
  depth::DownloadOptions options;
  options.progress = [this](const depth::DownloadProgress& p) {
    std::lock_guard<std::mutex> lock(mutex_);
    const uint64_t published = progress_.total;  // the manifest's size until the server declares one
    progress_ = p;
    if (p.total == 0) progress_.total = published;
    return !cancel_;
  };
  try {
    outcome.report = depth::download_model(plan, options);
    outcome.ok = true;
  } catch (const depth::DownloadCancelled& e) {
    outcome.cancelled = true;
    outcome.message = e.what();
  } catch (const std::exception& e) {
    outcome.message = e.what();
  }
  std::lock_guard<std::mutex> lock(mutex_);
  outcome_ = std::move(outcome);
  has_outcome_ = true;
  running_ = false;
}

depth::DownloadProgress ModelFetch::progress() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return progress_;
}

std::string ModelFetch::label() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return label_;
}

std::optional<ModelFetch::Outcome> ModelFetch::take_outcome() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::optional<Outcome> out = std::exchange(outcome_, std::nullopt);
  if (out) {
    has_outcome_ = false;
    label_.clear();
  }
  return out;
}

}  // namespace dv::app
