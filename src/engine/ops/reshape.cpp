// Ops that change a shape and keep the data: Reshape, Flatten, Squeeze, Unsqueeze, Identity.
#include <algorithm>

#include "engine/ops/infer_helpers.h"
#include "engine/ops/registry.h"
#include "engine/xnn/emitter.h"
#include "engine/xnn/layout.h"

namespace dv::ops {
namespace {

void infer_reshape(Graph& g, Op& op) {
  const Value& x = in(g, op, 0);
  const auto target = ints_of(g, op, 1);
  Shape o(target.size());
  int64_t known = 1, infer_at = -1;
  for (size_t i = 0; i < target.size(); ++i) {
    if (target[i] == 0 && !op.attr_int("allowzero", 0) && i >= x.shape.size())
      fail(op, "a 0 in the target shape has no input dimension to copy");
    o[i] = target[i] == 0 && !op.attr_int("allowzero", 0) ? x.shape[i] : target[i];
    if (o[i] == -1) {
      if (infer_at >= 0) fail(op, "more than one -1 in the target shape");
      infer_at = int64_t(i);
    } else if (o[i] < 0 || o[i] > int64_t(ir::kMaxTensorElements)) {
      fail(op, "invalid target dimension " + std::to_string(o[i]));
    } else if (known <= int64_t(ir::kMaxTensorElements)) {
      known *= o[i];  // both <= 2^30: no overflow
    }
  }
  if (known > int64_t(ir::kMaxTensorElements)) fail(op, "the target shape has more than 2^30 elements");
  const auto total = static_cast<int64_t>(ir::element_count(x.shape));
  if (infer_at >= 0) o[size_t(infer_at)] = known ? total / known : 0;
  if (static_cast<int64_t>(ir::element_count(o)) != total)
    fail(op, "cannot reshape " + ir::to_string(x.shape) + " to " + ir::to_string(o));
  set_shape(g, op, o, x.dtype);
  forward_constant(g, op);
}

// Flatten's axis may also be the rank (everything in the first dimension).
void infer_flatten(Graph& g, Op& op) {
  const Value& x = in(g, op, 0);
  const auto rank = int64_t(x.shape.size());
  int64_t axis = op.attr_int("axis", 1);
  if (axis < 0) axis += rank;
  if (axis < 0 || axis > rank)
    fail(op, "axis " + std::to_string(op.attr_int("axis", 1)) + " out of range for rank " + std::to_string(rank));
  const Shape outer(x.shape.begin(), x.shape.begin() + axis), inner(x.shape.begin() + axis, x.shape.end());
  set_shape(g, op, {int64_t(ir::element_count(outer)), int64_t(ir::element_count(inner))}, x.dtype);
  forward_constant(g, op);
}

void infer_squeeze_unsqueeze(Graph& g, Op& op) {
  const bool squeeze = op.type == "Squeeze";
  const Value& x = in(g, op, 0);
  std::vector<int64_t> axes = op.input(1) >= 0 ? ints_of(g, op, 1) : op.attr_ints("axes");
  Shape o;
  if (squeeze) {
    for (auto& a : axes) a = norm_axis(op, a, x.shape.size());
    for (size_t k = 0; k < x.shape.size(); ++k) {
      const bool listed = std::find(axes.begin(), axes.end(), int64_t(k)) != axes.end();
      if ((axes.empty() && x.shape[k] == 1) || listed) {
        if (x.shape[k] != 1) fail(op, "cannot squeeze a dimension of size " + std::to_string(x.shape[k]));
        continue;
      }
      o.push_back(x.shape[k]);
    }
  } else {
    const size_t rank = x.shape.size() + axes.size();
    for (auto& a : axes) a = norm_axis(op, a, rank);
    size_t next = 0;
    for (size_t k = 0; k < rank; ++k) {
      const bool listed = std::find(axes.begin(), axes.end(), int64_t(k)) != axes.end();
      if (!listed && next >= x.shape.size()) fail(op, "repeated axes");
      o.push_back(listed ? 1 : x.shape[next++]);
    }
  }
  set_shape(g, op, o, x.dtype);
  forward_constant(g, op);
}

void infer_identity(Graph& g, Op& op) {
  same_shape_as_input(g, op);
  forward_constant(g, op);
}

// From NHWC, only a tensor with a single channel keeps its data order (it is laid out the same in
// both layouts): then no transpose is needed.
void lower_reshape(xnn::Emitter& e, const ir::FusedOp& op) {
  const Shape& xs = e.val(op.input(0)).shape;
  const Shape& ys = e.val(op.outputs[0]).shape;
  const bool single_channel = e.input_nhwc(op, 0) && xs[1] == 1;
  const bool nhwc_out = single_channel && ys.size() == 4 && ys[1] == 1;
  const uint32_t x = single_channel ? e.input(op, 0) : e.plain(op, 0);
  const uint32_t y = e.output(op, nhwc_out);
  const auto d = xnn::dims_of(nhwc_out ? xnn::to_nhwc(ys) : ys);
  xnn::check(xnn_define_static_reshape(e.subgraph(), d.size(), d.data(), x, y, 0), &op, "the reshape");
}

}  // namespace

void add_reshape_ops(std::vector<OpDef>& table) {
  table.push_back({"Reshape", infer_reshape, lower_reshape});
  table.push_back({"Flatten", infer_flatten, lower_reshape});
  table.push_back({"Squeeze", infer_squeeze_unsqueeze, lower_reshape});
  table.push_back({"Unsqueeze", infer_squeeze_unsqueeze, lower_reshape});
  table.push_back({"Identity", infer_identity, lower_reshape});
}

}  // namespace dv::ops
