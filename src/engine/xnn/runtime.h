// One XNNPACK runtime for an IR graph at fixed (inferred) shapes.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "engine/ir/graph.h"
#include "engine/xnn/weights.h"

struct pthreadpool;
struct xnn_runtime;
struct xnn_subgraph;

namespace dv::xnn {

struct RuntimeOptions {
  bool profile = false;  // per-operator timings (Runtime::profile)
  bool int8 = false;     // MatMul/Conv weights int8 per channel, activations quantized per run (qd8)
};

class Runtime {
 public:
  // Fuses `g`'s ops (shapes inferred; ir/fuse.h), lowers them to an XNNPACK subgraph through the
  // op registry and creates its runtime on `pool`. Throws onnx::ModelError naming the node it
  // cannot lower.
  Runtime(const ir::Graph& g, pthreadpool* pool, SharedWeights& shared, const RuntimeOptions& options = {});
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // inputs[i] holds graph input i (NCHW, as many floats as its shape); outputs likewise.
  void run(const std::vector<const float*>& inputs, const std::vector<float*>& outputs);

  // (operator name, microseconds) of the last run; empty unless created with profile = true.
  std::vector<std::pair<std::string, uint64_t>> profile() const;

 private:
  xnn_subgraph* subgraph_ = nullptr;
  xnn_runtime* runtime_ = nullptr;
  std::vector<std::vector<float>> owned_;  // weights in XNNPACK layouts; live as long as the runtime
  std::vector<uint32_t> input_ids_, output_ids_;
  std::vector<std::vector<float>> input_copies_;  // inputs padded by XNN_EXTRA_BYTES
};

}  // namespace dv::xnn
