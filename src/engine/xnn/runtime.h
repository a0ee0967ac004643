// One XNNPACK runtime for an IR graph at fixed (inferred) shapes.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "engine/ir/graph.h"

struct pthreadpool;
struct xnn_runtime;
struct xnn_subgraph;

namespace dv::xnn {

class Runtime {
 public:
  // Lowers `g` (shapes inferred) to an XNNPACK subgraph and creates its runtime on `pool`.
  // Throws onnx::ModelError naming the node it cannot lower.
  Runtime(const ir::Graph& g, pthreadpool* pool);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // inputs[i] holds graph input i (NCHW, as many floats as its shape); outputs likewise.
  void run(const std::vector<const float*>& inputs, const std::vector<float*>& outputs);

 private:
  xnn_subgraph* subgraph_ = nullptr;
  xnn_runtime* runtime_ = nullptr;
  std::vector<std::vector<float>> owned_;  // weights in XNNPACK layouts; live as long as the runtime
  std::vector<uint32_t> input_ids_, output_ids_;
  std::vector<std::vector<float>> input_copies_;  // inputs padded by XNN_EXTRA_BYTES
};

}  // namespace dv::xnn
