// Shape inference and constant folding for the IR (see graph.h): each op's own rules live in its
// op family's file (ops/), reached through the registry.
#include <algorithm>
#include <utility>
#include <vector>

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

// The index of the last op that reads each value; graph outputs are read after the last op.
std::vector<int> last_uses(const Graph& g) {
  std::vector<int> last(g.values.size(), -1);
  for (size_t i = 0; i < g.ops.size(); ++i)
    if (!g.ops[i].removed)
      for (const int id : g.ops[i].inputs)
        if (id >= 0) last[size_t(id)] = int(i);
  for (const int id : g.outputs) last[size_t(id)] = int(g.ops.size());
  return last;
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
  // The budget bounds the activations alive at once (a value lives from its op to its last reader),
  // which is what the runtime's memory planner needs at least; a plain sum over all values would
  // refuse graphs with many small steps, such as QDQ files with a Q and a DQ after every op.
  const std::vector<int> last_use = last_uses(g);
  std::vector<uint64_t> live(g.values.size(), 0);
  uint64_t activation_bytes = 0, peak = 0;
  for (const int id : g.inputs) {
    live[size_t(id)] = 4 * checked_element_count(g.values[size_t(id)].shape, "input '" + g.values[size_t(id)].name + "'");
    activation_bytes += live[size_t(id)];
  }
  for (size_t i = 0; i < g.ops.size(); ++i) {
    Op& op = g.ops[i];
    if (op.type == "Constant" || op.removed) continue;  // folded at import
    infer_op(g, op);
    for (const int id : op.outputs) {
      if (id < 0 || g.values[size_t(id)].is_const) continue;
      live[size_t(id)] = 4 * uint64_t(element_count(g.values[size_t(id)].shape));
      activation_bytes += live[size_t(id)];
    }
    peak = std::max(peak, activation_bytes);
    for (const int id : op.inputs)
      if (id >= 0 && last_use[size_t(id)] == int(i)) activation_bytes -= std::exchange(live[size_t(id)], 0);
  }
  activation_bytes = peak;
  if (activation_bytes > kActivationBudgetBytes)
    throw ModelError("this input size needs " + std::to_string(activation_bytes >> 20) +
                     " MiB of activations, more than the budget of " + std::to_string(kActivationBudgetBytes >> 20) +
                     " MiB: use a smaller input");
}

}  // namespace dv::ir
