// Shape inference and constant folding for the IR (see graph.h): each op's own rules live in its
// op family's file (ops/), reached through the registry.
#include "engine/ops/registry.h"

namespace dv::ir {
namespace {

using onnx::ModelError;

void infer_op(Graph& g, Op& op) {
  const ops::OpDef* def = ops::find(op.type);
  if (def == nullptr) throw onnx::UnsupportedError("unsupported operator '" + op.type + "' (node '" + op.name + "')");
  if (!def->reads_8bit)
    for (int v : op.inputs)
      if (v >= 0 && is_8bit(g.values[size_t(v)].dtype))
        throw onnx::UnsupportedError(op.label() + " reads the 8-bit integer tensor '" + g.values[size_t(v)].name +
                                     "': only the quantization operators read 8-bit tensors");
  if (def->infer == nullptr)  // rewritten at import whenever they are valid (see rewrite_quantized)
    throw onnx::ModelError(op.label() + " was not rewritten at import");
  def->infer(g, op);
  bool all_const = true;
  for (int o : op.outputs) all_const = all_const && (o < 0 || g.values[size_t(o)].is_const);
  op.folded = all_const;
  // An op that reads only constants runs nowhere else: it must fold.
  if (!op.computed && !op.folded)
    throw onnx::UnsupportedError(op.label() + ": computing it on constants is not supported");
}

}  // namespace

void infer_shapes(Graph& g, const std::vector<Shape>& input_shapes) {
  if (input_shapes.size() != g.inputs.size())
    throw ModelError("the model has " + std::to_string(g.inputs.size()) + " inputs, " +
                     std::to_string(input_shapes.size()) + " shapes given");
  for (Value& v : g.values) {
    if (v.initializer) continue;
    v.shape_known = v.is_const = false;
    v.f32.clear();
    v.i64.clear();
    v.bytes.clear();
  }
  for (size_t i = 0; i < g.inputs.size(); ++i) {
    Value& v = g.values[size_t(g.inputs[i])];
    v.shape = input_shapes[i];
    v.shape_known = true;
  }
  uint64_t activation_bytes = 0;
  for (const int id : g.inputs)
    activation_bytes +=
        4 * checked_element_count(g.values[size_t(id)].shape, "input '" + g.values[size_t(id)].name + "'");
  for (Op& op : g.ops) {
    if (op.type == "Constant" || op.removed) continue;  // folded at import
    infer_op(g, op);
    for (const int id : op.outputs) {
      if (id < 0) continue;
      const Value& v = g.values[size_t(id)];
      if (!v.is_const) activation_bytes += 4 * uint64_t(element_count(v.shape));
    }
  }
  if (activation_bytes > kActivationBudgetBytes)
    throw ModelError("this input size needs " + std::to_string(activation_bytes >> 20) +
                     " MiB of activations, more than the budget of " + std::to_string(kActivationBudgetBytes >> 20) +
                     " MiB: use a smaller input");
}

}  // namespace dv::ir
