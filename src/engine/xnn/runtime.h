// One runtime for an IR graph at fixed (inferred) shapes: XNNPACK subgraph segments and, between
// them, the engine kernels of ops XNNPACK cannot run as wanted (xnn/segments.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/ir/graph.h"
#include "engine/kernels/kernel.h"
#include "engine/xnn/segments.h"
#include "engine/xnn/weights.h"

struct pthreadpool;
struct xnn_runtime;
struct xnn_subgraph;
struct xnn_workspace;

namespace dv::xnn {

struct RuntimeOptions {
  bool profile = false;  // per-operator timings (Runtime::profile)
  bool int8 = false;     // MatMul/Conv weights int8 per channel, activations quantized per run (qd8)
};

class Runtime {
 public:
  // Fuses `g`'s ops (shapes inferred; ir/fuse.h), lowers them to XNNPACK subgraphs and engine
  // kernels through the op registry and creates their runtimes on `pool`. Throws
  // onnx::ModelError naming the node it cannot lower.
  Runtime(const ir::Graph& g, pthreadpool* pool, SharedWeights& shared, const RuntimeOptions& options = {});
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // inputs[i] holds graph input i (NCHW, as many floats as its shape); outputs likewise.
  void run(const std::vector<const float*>& inputs, const std::vector<float*>& outputs);

  // (operator name, microseconds) of the last run; empty unless created with profile = true.
  std::vector<std::pair<std::string, uint64_t>> profile() const;

 private:
  struct Segment {
    xnn_subgraph* subgraph = nullptr;
    xnn_runtime* runtime = nullptr;
    std::vector<std::pair<uint32_t, int>> externals;  // (external id, value)
  };
  struct KernelStep {
    std::unique_ptr<kernels::Kernel> kernel;
    std::vector<int> inputs, outputs;
    uint64_t last_us = 0;
  };
  struct Order {
    bool kernel;
    size_t index;
  };

  void build(const ir::Graph& g, pthreadpool* pool, SharedWeights& shared, const RuntimeOptions& options);
  void release();
  void* scratch_aligned();

  std::vector<int> inputs_, outputs_;  // the graph's (value ids)
  std::vector<size_t> copied_;        // output index → floats copied to the caller after a run (an
                                      // output that is an input or is read again); else 0
  pthreadpool* pool_;
  bool profiling_;
  xnn_workspace* workspace_ = nullptr;  // shared by the segments, which run one after another
  std::vector<Segment> segments_;
  std::vector<KernelStep> kernels_;
  std::vector<Order> order_;
  std::vector<std::vector<float>> owned_;  // weights in XNNPACK layouts; live as long as the runtime
  std::vector<std::vector<float>> buffers_;  // values crossing between steps (plan_buffers)
  std::vector<float*> where_;                // value → its memory during a run (crossing ones)
  std::vector<std::byte> scratch_;           // the kernels' working memory (one at a time)
  std::vector<std::vector<float>> input_copies_;  // inputs padded by XNN_EXTRA_BYTES
};

}  // namespace dv::xnn
