// Concat: folded on constants; on activations XNNPACK's concatenation of 2 to 5 inputs, in NHWC
// when the first input is.
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
        fail(op, "inputs " + ir::to_string(first.shape) + " and " + ir::to_string(v.shape) + " differ outside the axis");
    o[axis] += v.shape[axis];
    all_const = all_const && v.is_const;
  }
  set_shape(g, op, o, first.dtype);
  if (!all_const) return;
  Value& r = out(g, op);
  alloc(r);
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

void lower_concat(xnn::Emitter& e, const ir::FusedOp& op) {
  const bool nhwc = e.input_nhwc(op, 0);
  const size_t rank = e.val(op.outputs[0]).shape.size();
  auto axis = size_t(norm_axis(op, op.attr_int("axis", 0), rank));
  if (nhwc) axis = xnn::nhwc_axis(axis);
  std::vector<uint32_t> x;
  for (size_t i = 0; i < op.inputs.size(); ++i) x.push_back(nhwc ? e.as_nhwc(op, i) : e.plain(op, i));
  const uint32_t y = e.output(op, nhwc);
  xnn_subgraph_t sg = e.subgraph();
  const auto a = int32_t(axis);
  xnn_status s = xnn_status_invalid_parameter;
  switch (x.size()) {
    case 1: s = xnn_define_copy(sg, x[0], y, 0); break;
    case 2: s = xnn_define_concatenate2(sg, a, x[0], x[1], y, 0); break;
    case 3: s = xnn_define_concatenate3(sg, a, x[0], x[1], x[2], y, 0); break;
    case 4: s = xnn_define_concatenate4(sg, a, x[0], x[1], x[2], x[3], y, 0); break;
    case 5: s = xnn_define_concatenate5(sg, a, x[0], x[1], x[2], x[3], x[4], y, 0); break;
    default: unsupported(op, "concatenating " + std::to_string(x.size()) + " computed inputs is not supported (at most 5)");
  }
  xnn::check(s, &op, "the concatenation");
}

}  // namespace

void add_concat_ops(std::vector<OpDef>& table) { table.push_back({"Concat", infer_concat, lower_concat}); }

}  // namespace dv::ops
