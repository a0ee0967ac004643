#include "depth/pipeline.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <stdexcept>

#include "depth/guided_filter.h"
#include "depth/preprocess.h"
#include "depthview/engine.h"

namespace dv::depth {

namespace {
// A failed engine call as an exception: out of memory is told apart (the viewer steps down).
[[noreturn]] void throw_engine_error(dv_status status, const std::string& message) {
  if (status == dv_error_out_of_memory) throw OutOfMemory(message);
  throw std::runtime_error(message);
}
}  // namespace

DepthEstimator::DepthEstimator(const ModelInfo& info, const EngineOptions& engine) : info_(info) {
  char error[1024] = "";
  const dv_status opened = dv_model_open_file(info.path.c_str(), &model_, error, sizeof error);
  if (model_ == nullptr) throw_engine_error(opened, info.path + ": " + error);
  try {
    if (!info_.in_manifest) settle_file_model(info_, graph_input(model_, info_.name));
  } catch (...) {
    dv_model_free(model_);
    throw;
  }
  dv_status status = dv_model_set_threads(model_, engine.threads);
  if (status == dv_ok) status = dv_model_set_precision(model_, engine.int8 ? dv_precision_int8 : dv_precision_fp32);
  if (status == dv_ok) status = prepare_fixed_size();
  if (status != dv_ok) {
    const std::string message = dv_model_error(model_);
    dv_model_free(model_);
    throw_engine_error(status, message);
  }
}

// A model with a fixed input size gets its runtime (packed weights, buffers) now, with the model
// load, rather than with the first photo: the viewer loads models ahead of photos.
dv_status DepthEstimator::prepare_fixed_size() {
  dv_shape in = dv_model_input_shape(model_, 0);
  if (in.rank != 4 || in.dims[2] <= 0 || in.dims[3] <= 0) return dv_ok;  // sized per photo
  in.dims[0] = 1;
  in.dims[1] = 3;
  return dv_model_set_input_shape(model_, 0, &in);
}

DepthEstimator::~DepthEstimator() { dv_model_free(model_); }

// The model's input size for this photo: what a static model declares; else the manifest's (or
// the file's, see model_file.h) policy (keep aspect, sides multiple of 14 for DAv2). Some exported "dynamic" graphs
// only accept square inputs (e.g. the patch count computed as (H/14)²): when the engine rejects the keep-aspect size,
// the square of the short side is used instead.
void DepthEstimator::choose_input_size(const Image& photo, int requested, int* width, int* height) {
  dv_shape in = dv_model_input_shape(model_, 0);
  if (in.rank != 4) throw std::runtime_error(info_.name + ": expected a 1x3xHxW input");
  if (in.dims[2] > 0 && in.dims[3] > 0) {
    *height = int(in.dims[2]);
    *width = int(in.dims[3]);
  } else {
    info_.input_size(photo.width, photo.height, requested, width, height);
  }
  in.dims[0] = 1;
  in.dims[1] = 3;
  in.dims[2] = *height;
  in.dims[3] = *width;
  const dv_status status = dv_model_set_input_shape(model_, 0, &in);
  if (status == dv_ok) return;
  const std::string first_error = dv_model_error(model_);
  if (!info_.keep_aspect || *width == *height || status == dv_error_out_of_memory)
    throw_engine_error(status, first_error);
  *width = *height = std::min(*width, *height);
  in.dims[2] = in.dims[3] = *width;
  const dv_status square = dv_model_set_input_shape(model_, 0, &in);
  if (square != dv_ok) throw_engine_error(square, first_error);
}

DepthEstimate DepthEstimator::run(const Image& photo, const EstimateOptions& options) {
  DepthEstimate est;
  choose_input_size(photo, options.size, &est.model_width, &est.model_height);
  const dv_shape out = dv_model_output_shape(model_, 0);
  if (out.rank < 2) throw std::runtime_error(info_.name + ": unexpected output rank");
  const int oh = int(out.dims[out.rank - 2]), ow = int(out.dims[out.rank - 1]);
  // Large photos are downscaled here for inference; the result is resized back to the photo.
  const std::vector<float> input = to_tensor(photo, est.model_width, est.model_height, info_.normalization);
  DepthMap raw{ow, oh, std::vector<float>(size_t(ow) * size_t(oh))};
  const float* ins[] = {input.data()};
  float* outs[] = {raw.values.data()};
  const auto t0 = std::chrono::steady_clock::now();
  const dv_status ran = dv_model_run(model_, ins, outs);
  if (ran != dv_ok) throw_engine_error(ran, dv_model_error(model_));
  est.inference_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  est.model_width = ow;
  est.model_height = oh;
  est.model_output = raw;
  to_inverse_depth(raw, info_.output);
  est.depth = resize(raw, photo.width, photo.height);
  normalize(est.depth, options.normalize);
  if (options.edge_aware) {
    const int factor = std::max(photo.width / std::max(1, ow), photo.height / std::max(1, oh));
    est.depth = guided_filter(est.depth, photo, {std::max(2, factor), 1e-3f});
  }
  return est;
}

const Int8Support& int8_support() {
  static const Int8Support support = [] {
    Int8Support s;
    s.speedup = dv_int8_speedup();
    s.worth_it = s.speedup >= DV_INT8_WORTH_IT;
    char line[160];
    std::snprintf(line, sizeof line, "int8 matrix products %.1fx as fast as fp32 here (%s)", s.speedup,
                  dv_int8_kernels());
    s.summary = line;
    return s;
  }();
  return support;
}

}  // namespace dv::depth
