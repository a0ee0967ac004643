#include "engine/xnn/weights.h"

#include <xnnpack.h>

#include "engine/ops/registry.h"
#include "engine/xnn/emitter.h"

namespace dv::xnn {

bool int8_weights(const ir::Graph& g, const ir::Op& op) {
  if (op.removed || op.folded) return false;
  const ops::OpDef* def = ops::find(op.type);
  return def != nullptr && def->int8_weights != nullptr && def->int8_weights(g, op);
}

size_t SharedWeights::capacity_for(const ir::Graph& g, bool int8) {
  std::vector<bool> quantized(g.values.size());
  if (int8)
    for (const ir::Op& op : g.ops)
      if (int8_weights(g, op)) quantized[size_t(op.input(1))] = true;
  size_t bytes = 0;
  for (size_t v = 0; v < g.values.size(); ++v) {
    const ir::Value& value = g.values[v];
    if (!value.initializer) continue;
    bytes += value.f32.size() * (quantized[v] ? sizeof(int8_t) : sizeof(float));
    if (value.int8) bytes += value.int8->data.size() + value.int8->rows * sizeof(float);
  }
  return bytes + bytes / 8 + (1u << 20);  // plus padding to kernel tiles
}

SharedWeights::~SharedWeights() {
  if (cache_) xnn_delete_weights_cache(cache_);
}

const float* SharedWeights::relaid(int value, const std::function<std::vector<float>()>& make) {
  auto it = relaid_.find(value);
  if (it == relaid_.end()) it = relaid_.emplace(value, make()).first;
  return it->second.data();
}

const ir::Int8Weights& SharedWeights::quantized(int value, const std::function<ir::Int8Weights()>& make) {
  auto it = quantized_.find(value);
  if (it == quantized_.end()) it = quantized_.emplace(value, make()).first;
  return it->second;
}

xnn_weights_cache_provider* SharedWeights::cache() {
  if (cache_ == nullptr)
    check(xnn_create_weights_cache_with_size(capacity_, &cache_), nullptr, "weights cache creation");
  return cache_;
}

void SharedWeights::seal() {
  if (!sealed_)
    check(xnn_finalize_weights_cache(cache(), xnn_weights_cache_finalization_kind_soft), nullptr, "weights cache");
  sealed_ = true;
}

}  // namespace dv::xnn
