#include "app/model_setup.h"

#include <algorithm>

namespace dv::app {

namespace {

int effective_size(const depth::ModelInfo& m, const ModelSetup& s) {
  return s.input_size > 0 ? s.input_size : m.short_side;
}

// The position of `variant` in the lean list (-1: not in it, as the default usually is).
int lean_rank(const depth::ModelInfo& m, const std::string& variant) {
  const std::string& v = variant.empty() ? m.default_variant : variant;
  const auto& lean = m.low_memory_variants;
  const auto it = std::find(lean.begin(), lean.end(), v);
  return it == lean.end() ? -1 : int(it - lean.begin());
}

}  // namespace

ModelSetup setup_for_memory(const depth::ModelInfo& model, double memory_gb) {
  ModelSetup s;
  if (memory_gb <= 0 || memory_gb >= 8) return s;
  if (!model.low_memory_variants.empty()) s.variant = model.low_memory_variants.back();
  const auto& sizes = model.low_memory_short_sides;
  const size_t step = memory_gb < 2 ? 2 : memory_gb < 4 ? 1 : 0;
  if (model.keep_aspect && step > 0 && !sizes.empty()) s.input_size = sizes[std::min(step, sizes.size()) - 1];
  return s;
}

std::optional<ModelSetup> smaller_setup(const depth::ModelInfo& model, const ModelSetup& current,
                                        const std::function<bool(const std::string&)>& available) {
  const auto& lean = model.low_memory_variants;
  for (size_t i = size_t(lean_rank(model, current.variant) + 1); i < lean.size(); ++i)
    if (available(lean[i])) return ModelSetup{lean[i], current.input_size};
  if (!model.keep_aspect) return std::nullopt;
  const int size = effective_size(model, current);
  for (int side : model.low_memory_short_sides)
    if (side < size) return ModelSetup{current.variant, side};
  return std::nullopt;
}

std::string describe(const depth::ModelInfo& model, const ModelSetup& setup) {
  const std::string variant = setup.variant.empty() ? model.default_variant : setup.variant;
  const int size = effective_size(model, setup);
  return variant + (model.keep_aspect && size > 0 ? " at " + std::to_string(size) + " px" : "");
}

}  // namespace dv::app
