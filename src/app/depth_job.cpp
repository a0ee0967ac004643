#include "app/depth_job.h"
#include "app/clock.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <new>
#include <utility>

#include "depth/export.h"
#include "depth/photo_intrinsics.h"
#include "depth/preprocess.h"

namespace dv::app {

#ifdef DV_DEPTH_JOB_THREAD
DepthJob::DepthJob() : worker_([this] { loop(); }) {}
#else
DepthJob::DepthJob() = default;
#endif

DepthJob::~DepthJob() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    quit_ = true;
    ++generation_;
  }
  wake_.notify_all();
#ifdef DV_DEPTH_JOB_THREAD
  worker_.join();
#endif
}

void DepthJob::start(DepthRequest request) {
#ifdef DV_DEPTH_JOB_THREAD
  {
    std::lock_guard<std::mutex> lock(mutex_);
    pending_ = std::move(request);
    ++generation_;  // whatever runs now is stale
    busy_ = true;
  }
  wake_.notify_all();
#else
  busy_ = true;
  finish(request, ++generation_);
#endif
}

bool DepthJob::submit_frame(DepthRequest request) {
#ifdef DV_DEPTH_JOB_THREAD
  bool dropped = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    dropped = pending_ && pending_->frame_index >= 0;
    if (dropped) request.new_stream = request.new_stream || pending_->new_stream;
    pending_ = std::move(request);
    busy_ = true;
  }
  wake_.notify_all();
  return dropped;
#else
  start(std::move(request));
  return false;
#endif
}

void DepthJob::preload(const depth::ModelInfo& model, const depth::EngineOptions& engine) {
  DepthRequest request;
  request.model = model;
  request.engine = engine;
  start(std::move(request));
}

void DepthJob::cancel() {
  std::lock_guard<std::mutex> lock(mutex_);
  pending_.reset();
  ++generation_;
  busy_ = false;
}

void DepthJob::set_stage(Stage s) {
  stage_ = s;
  stage_started_ms_ = now_ms();
}

float DepthJob::progress() const {
  const double in_stage = now_ms() - stage_started_ms_;
  switch (stage_.load()) {
    case Stage::Decoding: return 0.05f;
    case Stage::LoadingModel:
    case Stage::WarmingUp: return 0.15f;
    case Stage::Running:
      if (task_running_) return task_progress_;
      return 0.2f + 0.7f * float(std::min(1.0, in_stage / std::max(1.0, expected_run_ms_.load())));
    case Stage::PostProcessing: return 0.9f;
    case Stage::Layering: return 0.9f + 0.1f * task_progress_;
    default: return 0.0f;
  }
}

std::string DepthJob::stage() const {
  switch (stage_.load()) {
    case Stage::Decoding: return "decoding the photo";
    case Stage::LoadingModel: return "loading the model";
    case Stage::WarmingUp: return "warming up";
    case Stage::Running: return task_running_ ? "exporting" : "estimating depth";
    case Stage::PostProcessing: return "post-processing";
    case Stage::Layering: return "filling behind depth edges";
    default: return "idle";
  }
}

const char* DepthJob::worker_state() const {
#ifndef DV_DEPTH_JOB_THREAD
  return "none (runs inline)";
#else
  switch (worker_state_.load()) {
    case Worker::Waiting: return "waiting";
    case Worker::Working: return "working";
    default: return "not started";
  }
#endif
}

std::optional<DepthResult> DepthJob::take_result() {
  std::lock_guard<std::mutex> lock(mutex_);
  return std::exchange(result_, std::nullopt);
}

std::optional<DepthJob::Error> DepthJob::take_error() {
  std::lock_guard<std::mutex> lock(mutex_);
  return std::exchange(error_, std::nullopt);
}

std::optional<std::string> DepthJob::take_model_note() {
  std::lock_guard<std::mutex> lock(mutex_);
  return std::exchange(model_note_, std::nullopt);
}

void DepthJob::loop() {
  for (;;) {
    DepthRequest request;
    uint64_t generation = 0;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      worker_state_ = Worker::Waiting;
      wake_.wait(lock, [&] { return quit_ || pending_.has_value(); });
      worker_state_ = Worker::Working;
      if (quit_) return;
      request = std::move(*pending_);
      pending_.reset();
      generation = generation_;
    }
    finish(request, generation);
  }
}

// Runs one request and publishes its error, if any.
void DepthJob::finish(DepthRequest& request, uint64_t generation) {
  Error error;
  try {
    process(request, generation);
  } catch (const std::bad_alloc&) {
    error = {"out of memory while processing " + request.photo_name + " (try a smaller photo or model)", true};
  } catch (const depth::OutOfMemory& e) {
    error = {e.what(), true};
  } catch (const std::exception& e) {
    error = {e.what(), false};
  }
  if (error.out_of_memory) {
    // The model with its runtimes for the sizes it ran holds most of the memory: let it go, so a
    // leaner try (app/model_setup.h) starts from a heap that has room.
    model_loaded_ = false;
    estimator_.reset();
  }
  set_stage(Stage::Idle);
  std::lock_guard<std::mutex> lock(mutex_);
  if (!error.message.empty() && !cancelled(generation)) error_ = error;
  if (!pending_) busy_ = false;  // else a newer request is queued
}

// One run on a synthetic photo (through the JPEG decoder too) right after a preload, on the worker
// thread: the browser compiles WebAssembly in tiers, and the first photo used to pay for the slow
// tier and the first touch of the model's buffers (FastDepth's first photo: model 280 ms, later
// ones 77). It also tells the progress bar how long a run takes. Not in the single-threaded build,
// where it would block the UI.
void DepthJob::warm_up(const DepthRequest& request) {
#ifdef DV_DEPTH_JOB_THREAD
  set_stage(Stage::WarmingUp);
  depth::Image photo{640, 480, std::vector<uint8_t>(640 * 480 * 3)};
  for (size_t i = 0; i < photo.rgb.size(); ++i) photo.rgb[i] = uint8_t((i / 3 % 640) * 255 / 639);
  try {
    photo = depth::decode_image(depth::encode_jpeg(photo), "warm-up.jpg");
    expected_run_ms_ = estimator_->run(photo, request.options).inference_ms;
  } catch (const std::exception&) {
    // the first photo will report what is wrong with this model
  }
#else
  (void)request;
#endif
}

void DepthJob::process(DepthRequest& request, uint64_t generation) {
  const double t0 = now_ms();
  const bool preload_only = request.photo_bytes.empty() && !request.frame && !request.task;
  DepthResult out;
  out.photo_name = request.photo_name;
  if (!request.photo_bytes.empty()) {
    set_stage(Stage::Decoding);
    out.photo = depth::decode_image(request.photo_bytes, request.photo_name);
    out.intrinsics = depth::photo_intrinsics(request.photo_bytes, out.photo.width, out.photo.height);
    measure(request, out, /*after_model=*/false);
    request.photo_bytes = {};
    out.decode_ms = now_ms() - t0;
  }
  if (cancelled(generation)) return;
  load_model(request, generation, preload_only);
  if (cancelled(generation) || preload_only) return;
  set_stage(Stage::Running);
  if (request.task) run_task(request, generation, out);
  else if (request.frame) run_frame(request, out);
  else out.estimate = estimator_->run(out.photo, request.options);
  if (!request.task) expected_run_ms_ = out.estimate.inference_ms;
  set_stage(Stage::PostProcessing);
  measure(request, out, /*after_model=*/true);
  build_layers(request, out, generation);
  out.total_ms = now_ms() - t0;
  std::lock_guard<std::mutex> lock(mutex_);
  if (!cancelled(generation)) result_ = std::move(out);
}

// Loads the request's model unless it is the one loaded (and warms it up after a preload).
void DepthJob::load_model(const DepthRequest& request, uint64_t generation, bool preload_only) {
  const std::string key =
      request.model.path + "#" + std::to_string(request.engine.threads) + (request.engine.int8 ? "#int8" : "");
  if (estimator_ && key == estimator_key_) return;
  set_stage(Stage::LoadingModel);
  model_loaded_ = false;
  estimator_.reset();
  estimator_ = std::make_unique<depth::DepthEstimator>(request.model, request.engine);
  estimator_key_ = key;
  video_.reset();  // another model's depth is not comparable
  {
    std::lock_guard<std::mutex> lock(mutex_);
    model_note_ = estimator_->info().assumptions;
  }
  if (preload_only && !cancelled(generation)) warm_up(request);
  model_loaded_ = true;
}

void DepthJob::run_frame(DepthRequest& request, DepthResult& out) {
  if (request.new_stream) video_.reset();
  out.photo = std::move(*request.frame);
  out.frame_index = request.frame_index;
  out.for_export = request.for_export;
  depth::VideoDepthFrame d = video_.process(*estimator_, out.photo, request.options);
  out.estimate.depth = std::move(d.stabilised);
  out.raw_depth = std::move(d.raw);
  out.estimate.model_width = d.model_width;
  out.estimate.model_height = d.model_height;
  out.estimate.inference_ms = d.inference_ms;
  out.stabiliser = d.stabiliser;
  out.stabiliser_ms = d.stabiliser_ms;
}

// Measured depth never stops the photo: what is wrong with it becomes measured_error.
void DepthJob::measure(DepthRequest& request, DepthResult& out, bool after_model) {
  if (request.frame || request.task) return;
  try {
    if (!after_model) out.measured = read_measured_depth(request.photo_bytes, out.photo, request.sensor, request.photo_name);
    else if (out.measured) compare_with_model(*out.measured, out.estimate, estimator_->info().output);
  } catch (const std::exception& e) {
    out.measured.reset();
    out.measured_error = e.what();
  }
}

// The 3D photo's layers never stop the photo either: without them the relief is the cut one.
void DepthJob::build_layers(const DepthRequest& request, DepthResult& out, uint64_t generation) {
  if (!request.layered || request.frame || request.task || cancelled(generation)) return;
  const double t0 = now_ms();
  set_stage(Stage::Layering);
  task_progress_ = 0;
  const double scale = std::min(1.0, double(kLayeredSide) / double(std::max(out.photo.width, out.photo.height)));
  const int w = std::max(2, int(std::lround(out.photo.width * scale))), h = std::max(2, int(std::lround(out.photo.height * scale)));
  scene::LayeredOptions options;
  options.inpaint.threads = int(request.engine.threads);
  options.inpaint.progress = [&](float fraction) {
    task_progress_ = fraction;
    return !cancelled(generation);
  };
  try {
    auto layers = scene::build_layered_depth(depth::resize_image(out.photo, w, h), depth::resize(out.estimate.depth, w, h),
                                             options);
    if (layers && layers->layer_count() == 2) out.layers = std::make_shared<const scene::LayeredDepth>(std::move(*layers));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "depthview: no 3D photo layers: %s\n", e.what());
  }
  out.layers_ms = now_ms() - t0;
}

void DepthJob::run_task(DepthRequest& request, uint64_t generation, DepthResult& out) {
  task_progress_ = 0;
  task_running_ = true;
  try {
    out.task_message = request.task(*estimator_, [&](double fraction) {
      task_progress_ = float(fraction);
      return !cancelled(generation);
    });
  } catch (...) {
    task_running_ = false;
    throw;
  }
  task_running_ = false;
}

}  // namespace dv::app
