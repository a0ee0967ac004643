// Photo → depth map with the engine: the model's input size policy and normalisation, then
// post-processing to "bright = near" in [0, 1] at the photo's resolution.
#pragma once

#include <string>

#include "depth/image.h"
#include "depth/model_catalog.h"
#include "depth/postprocess.h"

struct dv_model;

namespace dv::depth {

struct DepthEstimate {
  DepthMap depth;                  // normalised, photo resolution
  int model_width = 0, model_height = 0;  // the depth tensor is 1x1xHxW at this size
  double inference_ms = 0;
};

class DepthEstimator {
 public:
  // Loads the model (throws std::runtime_error with the engine's message).
  DepthEstimator(const ModelInfo& info, size_t threads);
  ~DepthEstimator();
  DepthEstimator(const DepthEstimator&) = delete;
  DepthEstimator& operator=(const DepthEstimator&) = delete;

  // requested_size > 0 overrides the short side of keep-aspect models.
  DepthEstimate run(const Image& photo, int requested_size = 0, const NormalizeOptions& options = {});
  const ModelInfo& info() const { return info_; }

 private:
  ModelInfo info_;
  dv_model* model_ = nullptr;
};

}  // namespace dv::depth
