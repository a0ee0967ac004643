// Depth estimation off the UI thread: one worker thread takes the latest request (photo bytes +
// model), decodes, runs the model and post-processes, while the UI keeps drawing and shows the
// stage and progress. Cancel discards the running request's result at the next stage boundary
// (a model run itself cannot be interrupted; its result is dropped). In a WebAssembly build without
// threads (pages that are not cross-origin isolated) the request runs inside start() instead.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "depth/image.h"
#include "depth/model_catalog.h"
#include "depth/pipeline.h"
#include "app/measured_depth.h"
#include "depth/camera_intrinsics.h"
#include "depth/video_depth.h"
#include "scene/layered_depth.h"

namespace dv::app {

// A long piece of work with the loaded model (e.g. a native video export): `progress(fraction)`
// returns false once the request is cancelled. Returns the line the status shows.
using DepthTask = std::function<std::string(depth::DepthEstimator& estimator,
                                            const std::function<bool(double fraction)>& progress)>;

struct DepthRequest {
  std::vector<uint8_t> photo_bytes;
  std::string photo_name;
  // A video frame instead of photo bytes: stabilised with the frames before it (VideoDepth).
  std::optional<depth::Image> frame;
  int64_t frame_index = -1;
  bool new_stream = false;   // the first frame of a video, or after a seek
  bool for_export = false;   // a frame of a page-driven export (the page waits for its depth)
  DepthTask task;            // instead of a photo or frame
  std::optional<SensorInput> sensor;  // a depth file dropped with the photo
  bool layered = false;      // photos: build the 3D photo's layers too (scene/layered_depth.h)
  depth::ModelInfo model;
  depth::EngineOptions engine;
  depth::EstimateOptions options;
};

struct DepthResult {
  std::string photo_name;
  depth::Image photo;
  depth::DepthEstimate estimate;
  double decode_ms = 0, total_ms = 0;  // total: decoding, inference and post-processing
  // Video frames: estimate.depth is the stabilised depth, raw_depth the per-frame one.
  int64_t frame_index = -1;
  bool for_export = false;
  depth::DepthMap raw_depth;
  depth::StabiliserFrame stabiliser;
  double stabiliser_ms = 0;
  std::string task_message;            // a task's outcome (its status line)
  // Photos: measured depth (the camera's own or the sensor file's), fused and compared with the
  // model; measured_error says why a measurement that is there could not be used.
  std::optional<MeasuredDepth> measured;
  std::string measured_error;
  std::optional<depth::CameraIntrinsics> intrinsics;  // the photo's camera (Dynamic Depth, EXIF)
  // The 3D photo of the model's depth (at most kLayeredSide per side); null without depth edges,
  // when not asked for, or cancelled.
  std::shared_ptr<const scene::LayeredDepth> layers;
  double layers_ms = 0;
};

// The layers are built at most this large: the relief's mesh has at most 1024 vertices a side.
constexpr int kLayeredSide = 1024;

class DepthJob {
 public:
  DepthJob();
  ~DepthJob();
  DepthJob(const DepthJob&) = delete;
  DepthJob& operator=(const DepthJob&) = delete;

  void start(DepthRequest request);  // replaces a queued request; a running one is cancelled
  // A video frame: replaces a queued frame (returns true: that one is dropped) but lets a running
  // one finish, so a slow model shows every n-th frame instead of none.
  bool submit_frame(DepthRequest request);
  float task_progress() const { return task_progress_; }
  // Loads a model ahead of the first photo (a request without photo bytes), so opening a photo
  // only pays for decoding and inference.
  void preload(const depth::ModelInfo& model, const depth::EngineOptions& engine);
  void cancel();
  bool busy() const { return busy_; }
  float progress() const;            // 0..1, estimated from the stage and the last run's time
  std::string stage() const;
  // Where the worker thread is ("not started", "waiting", "working"): tells a stuck job from a
  // thread that never ran (state JSON, tests).
  const char* worker_state() const;
  bool model_loaded() const { return model_loaded_; }  // a model is loaded and ready for photos
  // Each finished request gives either a result or an error, once.
  struct Error {
    std::string message;
    bool out_of_memory = false;  // a leaner model setup may work (app/model_setup.h)
  };
  std::optional<DepthResult> take_result();
  std::optional<Error> take_error();
  // Once per loaded model: the assumptions made for a file the manifest does not list ("" for
  // a manifest model).
  std::optional<std::string> take_model_note();

 private:
  enum class Stage { Idle, Decoding, LoadingModel, WarmingUp, Running, PostProcessing, Layering };
  void loop();
  void process(DepthRequest& request, uint64_t generation);
  void warm_up(const DepthRequest& request);
  bool cancelled(uint64_t generation) const { return generation != generation_; }
  void set_stage(Stage s);

  void finish(DepthRequest& request, uint64_t generation);
  void load_model(const DepthRequest& request, uint64_t generation, bool preload_only);
  void run_frame(DepthRequest& request, DepthResult& out);
  void run_task(DepthRequest& request, uint64_t generation, DepthResult& out);
  void measure(DepthRequest& request, DepthResult& out, bool after_model);
  void build_layers(const DepthRequest& request, DepthResult& out, uint64_t generation);
  depth::VideoDepth video_;
  std::atomic<float> task_progress_{0};
  std::atomic<bool> task_running_{false};
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::optional<DepthRequest> pending_;
  std::optional<DepthResult> result_;
  std::optional<Error> error_;
  std::optional<std::string> model_note_;
  bool quit_ = false;
  std::atomic<bool> busy_{false};
  std::atomic<uint64_t> generation_{0};
  std::atomic<Stage> stage_{Stage::Idle};
  std::atomic<double> stage_started_ms_{0}, expected_run_ms_{1000};
  std::unique_ptr<depth::DepthEstimator> estimator_;  // kept while the model stays the same
  std::string estimator_key_;
  std::atomic<bool> model_loaded_{false};
  enum class Worker { NotStarted, Waiting, Working };
  std::atomic<Worker> worker_state_{Worker::NotStarted};
#if !defined(__EMSCRIPTEN__) || defined(__EMSCRIPTEN_PTHREADS__)
#define DV_DEPTH_JOB_THREAD 1
  // Declared last, so it is constructed last: the thread may start waiting on wake_ at once, and
  // a member constructed after it (mutex, condition variable) would drop that waiter; in the
  // browser that left the job "busy" forever now and then.
  std::thread worker_;
#endif
};

}  // namespace dv::app
