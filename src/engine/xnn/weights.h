// Weights as XNNPACK takes them, shared by the runtimes of one model at different input sizes.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include "engine/ir/graph.h"

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

  // int8 weights for IR value `value` (made by `make` the first time): the int8 mode's quantization
  // of a float weight, or a quantized model's codes re-laid for XNNPACK.
  const ir::Int8Weights& quantized(int value, const std::function<ir::Int8Weights()>& make);
  xnn_weights_cache_provider* cache();  // created on first use
  void seal();                          // after the first runtime: later ones only look up
  bool sealed() const { return sealed_; }

 private:
  std::map<int, std::vector<float>> relaid_;
  std::map<int, ir::Int8Weights> quantized_;
  size_t capacity_;
  xnn_weights_cache_provider* cache_ = nullptr;
  bool sealed_ = false;
};

// Whether int8 mode quantizes the weights (input 1) of `op` (asks the op registry).
bool int8_weights(const ir::Graph& g, const ir::Op& op);

}  // namespace dv::xnn
