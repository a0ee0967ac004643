#include "engine/ops/registry.h"

#include <unordered_map>

namespace dv::ops {

const std::vector<OpDef>& all() {
  static const std::vector<OpDef> table = [] {
    std::vector<OpDef> t;
    add_activation_ops(t);
    add_binary_ops(t);
    add_conv_ops(t);
    add_matmul_ops(t);
    add_normalization_ops(t);
    add_resize_ops(t);
    add_reshape_ops(t);
    add_transpose_ops(t);
    add_concat_ops(t);
    add_slice_ops(t);
    add_shape_ops(t);
    add_quantize_linear_ops(t);
    add_integer_ops(t);
    add_blockwise_ops(t);
    return t;
  }();
  return table;
}

const OpDef* find(std::string_view type) {
  static const std::unordered_map<std::string_view, const OpDef*> by_type = [] {
    std::unordered_map<std::string_view, const OpDef*> m;
    for (const OpDef& d : all()) m.emplace(d.type, &d);
    return m;
  }();
  const auto it = by_type.find(type);
  return it == by_type.end() ? nullptr : it->second;
}

void check_supported(const ir::Graph& g) {
  for (const ir::Op& op : g.ops)
    if (!op.removed && op.type != "Constant" && find(op.type) == nullptr)
      throw onnx::UnsupportedError("unsupported operator '" + op.type + "' (node '" + op.name + "')");
  for (const ir::FusedOp& op : ir::fuse(g))
    if (find(op.type)->lower == nullptr)
      throw onnx::UnsupportedError(op.label() +
                                   ": computing it on activations is not supported (the engine only folds it when its "
                                   "inputs are known at load time)");
}

}  // namespace dv::ops
