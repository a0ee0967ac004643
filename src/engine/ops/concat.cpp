// Concat: folded on constants; on activations XNNPACK's concatenation (any number of inputs), in
// NHWC when the first input is.
#include "engine/ops/infer_helpers.h"
#include "engine/ops/registry.h"
#include "engine/xnn/emitter.h"
#include "engine/xnn/layout.h"

namespace dv::ops {
namespace {

void infer_concat(Graph& g, Op& op) {
  const Value& first = in(g, op, 0);
  const auto axis = static_cast<size_t>(norm_axis(op, op.attr_int("axis", 0), first.shape.size()));
  Shape o = first.shape;
  o[axis] = 0;
  bool all_const = true;
  for (size_t i = 0; i < op.inputs.size(); ++i) {
    const Value& v = in(g, op, i);
    if (v.shape.size() != o.size()) fail(op, "inputs have different ranks");
    if (v.dtype != first.dtype) fail(op, "inputs have different element types");
    for (size_t k = 0; k < o.size(); ++k)
      if (k != axis && v.shape[k] != first.shape[k])
        fail(op,
             "inputs " + ir::to_string(first.shape) + " and " + ir::to_string(v.shape) + " differ outside the axis");
    o[axis] += v.shape[axis];
    all_const = all_const && v.is_const;
  }
  set_shape(g, op, o, first.dtype);
  if (!all_const) return;
  Value& r = out(g, op);
  alloc(op, r);
  const size_t outer = ir::element_count(Shape(o.begin(), o.begin() + int64_t(axis)));
  const size_t inner = ir::element_count(Shape(o.begin() + int64_t(axis) + 1, o.end()));
  size_t offset = 0;
  for (size_t i = 0; i < op.inputs.size(); ++i) {
    const Value& v = in(g, op, i);
    const size_t block = size_t(v.shape[axis]) * inner;
    for (size_t b = 0; b < outer; ++b)
      for (size_t k = 0; k < block; ++k) copy_element(v, b * block + k, r, b * size_t(o[axis]) * inner + offset + k);
    offset += block;
  }
}

// Concatenates x (2 to 5 tensors) along `axis` into y.
void concatenate(xnn_subgraph_t sg, const Op& op, int32_t axis, const std::vector<uint32_t>& x, uint32_t y) {
  xnn_status s = xnn_status_invalid_parameter;
  switch (x.size()) {
    case 2: s = xnn_define_concatenate2(sg, axis, x[0], x[1], y, 0); break;
    case 3: s = xnn_define_concatenate3(sg, axis, x[0], x[1], x[2], y, 0); break;
    case 4: s = xnn_define_concatenate4(sg, axis, x[0], x[1], x[2], x[3], y, 0); break;
    case 5: s = xnn_define_concatenate5(sg, axis, x[0], x[1], x[2], x[3], x[4], y, 0); break;
    default: break;
  }
  xnn::check(s, &op, "the concatenation");
}

// XNNPACK concatenates at most 5 tensors: more are joined 5 at a time, each partial result the
// first input of the next step.
void lower_concat(xnn::Emitter& e, const ir::FusedOp& op) {
  const bool nhwc = e.input_nhwc(op, 0);
  Shape shape = e.val(op.outputs[0]).shape;
  auto axis = size_t(norm_axis(op, op.attr_int("axis", 0), shape.size()));
  std::vector<uint32_t> x;
  for (size_t i = 0; i < op.inputs.size(); ++i) x.push_back(nhwc ? e.as_nhwc(op, i) : e.plain(op, i));
  const uint32_t y = e.output(op, nhwc);
  if (x.size() == 1) return xnn::check(xnn_define_copy(e.subgraph(), x[0], y, 0), &op, "the concatenation");
  if (nhwc) shape = xnn::to_nhwc(shape);
  const size_t a = nhwc ? xnn::nhwc_axis(axis) : axis;
  size_t done = 0;  // inputs joined so far
  int64_t joined = 0;
  uint32_t partial = XNN_INVALID_VALUE_ID;
  while (done < x.size()) {
    std::vector<uint32_t> step;
    if (partial != XNN_INVALID_VALUE_ID) step.push_back(partial);
    while (step.size() < 5 && done < x.size()) {
      step.push_back(x[done]);
      joined += e.val(op.input(done)).shape[axis];
      ++done;
    }
    Shape part = shape;
    part[a] = joined;
    const uint32_t into = done == x.size() ? y : e.tensor(part);
    concatenate(e.subgraph(), op, int32_t(a), step, into);
    partial = into;
  }
}

}  // namespace

void add_concat_ops(std::vector<OpDef>& table) { table.push_back({"Concat", infer_concat, lower_concat}); }

}  // namespace dv::ops
