// One XNNPACK runtime for an IR graph at fixed (inferred) shapes.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/ir/graph.h"

struct pthreadpool;
struct xnn_runtime;
struct xnn_subgraph;
struct xnn_weights_cache_provider;

namespace dv::xnn {

// What runtimes of one model at different input sizes share: weights re-laid for XNNPACK (at
// stable addresses) and XNNPACK's cache of packed weights, so a new size packs nothing again.
class SharedWeights {
 public:
  // capacity: expected bytes of packed weights (the cache grows by reallocation past it, which
  // in wasm leaves both copies in a heap that never shrinks).
  explicit SharedWeights(size_t capacity) : capacity_(capacity) {}
  // Sized for `g`'s initializers as they will be packed (int8 filters take a quarter).
  static size_t capacity_for(const ir::Graph& g, bool int8);
  ~SharedWeights();
  SharedWeights(const SharedWeights&) = delete;
  SharedWeights& operator=(const SharedWeights&) = delete;

  // The re-laid copy of IR value `value` (made by `make` the first time).
  const float* relaid(int value, const std::function<std::vector<float>()>& make);

  // int8 per-row (output channel) quantization of the [rows, cols] float matrix `make` returns,
  // made once; the float matrix is not kept.
  struct Quantized {
    std::vector<int8_t> data;
    std::vector<float> scale;  // one per row, padded for XNNPACK's reads
  };
  const Quantized& quantized(int value, size_t rows, size_t cols, const std::function<std::vector<float>()>& make);
  xnn_weights_cache_provider* cache();  // created on first use
  void seal();                          // after the first runtime: later ones only look up
  bool sealed() const { return sealed_; }

 private:
  std::map<int, std::vector<float>> relaid_;
  std::map<int, Quantized> quantized_;
  size_t capacity_;
  xnn_weights_cache_provider* cache_ = nullptr;
  bool sealed_ = false;
};

// Whether int8 mode quantizes this op's weights (input 1): MatMul with a 2-D weight initializer,
// non-grouped Conv with a weight initializer.
bool int8_weights(const ir::Graph& g, const ir::Op& op);

struct RuntimeOptions {
  bool profile = false;  // per-operator timings (Runtime::profile)
  bool int8 = false;     // MatMul/Conv weights int8 per channel, activations quantized per run (qd8)
};

class Runtime {
 public:
  // Lowers `g` (shapes inferred) to an XNNPACK subgraph and creates its runtime on `pool`.
  // Throws onnx::ModelError naming the node it cannot lower.
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
