// Photo → depth map with the engine: the model's input size policy and normalisation, then
// post-processing to "bright = near" in [0, 1] at the photo's resolution.
#pragma once

#include <stdexcept>
#include <string>

#include "depth/image.h"
#include "depth/model_catalog.h"
#include "depth/postprocess.h"
#include "depthview/engine.h"


namespace dv::depth {

struct EstimateOptions {
  int size = 0;               // > 0: short side of the model input for keep-aspect models
  NormalizeOptions normalize;
  bool edge_aware = false;    // guided filter with the photo when resizing to it
};

// How the engine runs a model. int8: MatMul/Conv weights int8 per channel and their inputs
// quantized per run (XNNPACK qd8): faster (most in WebAssembly), slightly less exact.
struct EngineOptions {
  size_t threads = 1;
  bool int8 = false;
};

// Whether int8 mode pays on this CPU (measured once per process, ~20 ms; see
// dv_int8_speedup): `summary` says which kernels and how much faster a matrix product runs.
struct Int8Support {
  bool worth_it = false;
  double speedup = 0.0;
  std::string summary;  // "int8 matrix products 2.9x faster than fp32 here (relaxed-SIMD dot product)"
};
const Int8Support& int8_support();

struct DepthEstimate {
  DepthMap depth;                  // normalised, photo resolution
  DepthMap model_output;           // the model's raw output (its own units and resolution)
  int model_width = 0, model_height = 0;  // the depth tensor is 1x1xHxW at this size
  double inference_ms = 0;
};

// The engine ran out of memory (loading, sizing or running the model): the caller may try a
// leaner setup (app/model_setup.h). std::bad_alloc from elsewhere means the same.
struct OutOfMemory : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class DepthEstimator {
 public:
  // Loads the model (throws std::runtime_error with the engine's message).
  DepthEstimator(const ModelInfo& info, const EngineOptions& engine);
  ~DepthEstimator();
  DepthEstimator(const DepthEstimator&) = delete;
  DepthEstimator& operator=(const DepthEstimator&) = delete;

  DepthEstimate run(const Image& photo, const EstimateOptions& options = {});
  const ModelInfo& info() const { return info_; }

 private:
  dv_status prepare_fixed_size();
  void choose_input_size(const Image& photo, int requested, int* width, int* height);
  ModelInfo info_;
  dv_model* model_ = nullptr;
};

}  // namespace dv::depth
