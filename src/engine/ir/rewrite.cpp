// The import-time rewrites of quantized patterns (ops' OpDef::rewrite) and the graph surgery they
// share.
#include <algorithm>
#include <utility>

#include "engine/ir/graph.h"
#include "engine/ops/registry.h"

namespace dv::ir {

namespace {

// v lost a reader: when none is left, its producer goes too, or its constant data.
void unread(Graph& g, int v) {
  Value& value = g.values[size_t(v)];
  if (--value.consumers > 0) return;
  if (value.producer < 0) {
    if (value.initializer) {
      value.f32 = {};
      value.i64 = {};
      value.bytes = {};
      value.int8.reset();
    }
    return;
  }
  const Op& p = g.ops[size_t(value.producer)];
  if (std::all_of(p.outputs.begin(), p.outputs.end(), [&](int o) { return o < 0 || g.values[size_t(o)].consumers == 0; }))
    remove_op(g, value.producer);
}

}  // namespace

void replace_uses(Graph& g, int from, int to) {
  for (size_t i = 0; i < g.ops.size(); ++i) {
    std::vector<int> inputs = g.ops[i].inputs;
    if (std::find(inputs.begin(), inputs.end(), from) == inputs.end()) continue;
    std::replace(inputs.begin(), inputs.end(), from, to);
    set_inputs(g, int(i), inputs);
  }
}

void set_inputs(Graph& g, int index, const std::vector<int>& inputs) {
  for (int v : inputs)
    if (v >= 0) ++g.values[size_t(v)].consumers;
  const std::vector<int> old = std::exchange(g.ops[size_t(index)].inputs, inputs);
  for (int v : old)
    if (v >= 0) unread(g, v);
}

void move_outputs(Graph& g, int from, int to) {
  Op& f = g.ops[size_t(from)];
  for (int v : g.ops[size_t(to)].outputs)
    if (v >= 0) g.values[size_t(v)].producer = -1;
  for (int v : f.outputs)
    if (v >= 0) g.values[size_t(v)].producer = to;
  g.ops[size_t(to)].outputs = std::exchange(f.outputs, {});
  remove_op(g, from);
}

void remove_op(Graph& g, int index) {
  Op& op = g.ops[size_t(index)];
  if (op.removed) return;
  op.removed = true;
  for (int v : op.outputs)
    if (v >= 0) g.values[size_t(v)].producer = -1;
  op.outputs.clear();
  for (int v : std::exchange(op.inputs, {}))
    if (v >= 0) unread(g, v);
}

int add_constant(Graph& g, const std::string& name, const Shape& shape, DType dtype) {
  Value v;
  v.name = name;
  v.dtype = dtype;
  v.shape = shape;
  v.shape_known = v.is_const = v.initializer = true;
  g.values.push_back(std::move(v));
  return int(g.values.size()) - 1;
}

void rewrite_quantized(Graph& g) {
  for (size_t i = 0; i < g.ops.size(); ++i) {
    if (g.ops[i].removed) continue;
    const ops::OpDef* def = ops::find(g.ops[i].type);
    if (def && def->rewrite) def->rewrite(g, int(i));
  }
}

}  // namespace dv::ir
