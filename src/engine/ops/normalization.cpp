// Statistics over axes: LayerNormalization and Softmax over the last axis (built from XNNPACK
// nodes), ReduceMean over any axes.
#include <algorithm>

#include "engine/ops/infer_helpers.h"
#include "engine/ops/registry.h"
#include "engine/xnn/emitter.h"

namespace dv::ops {
namespace {

// Both are lowered over the last axis of an input of rank >= 1 only.
void infer_last_axis(Graph& g, Op& op) {
  const Value& x = in(g, op, 0);
  if (x.shape.empty()) fail(op, "needs an input of rank 1 or more");
  const int64_t axis = op.attr_int("axis", -1);
  if (axis != -1 && axis != int64_t(x.shape.size()) - 1) unsupported(op, "only the last axis is supported");
  if (x.dtype != DType::F32) fail(op, "needs a float input");
  if (x.is_const) unsupported(op, "normalising a constant is not supported");
  same_shape_as_input(g, op);
}

bool all_equal(const Value& c, float x) {
  return c.is_const && std::all_of(c.f32.begin(), c.f32.end(), [&](float f) { return f == x; });
}

// y = (x - mean) / sqrt(var + eps) * scale + bias over the last axis.
void lower_layer_norm(xnn::Emitter& e, const ir::FusedOp& op) {
  const Shape& xs = e.val(op.input(0)).shape;
  Shape reduced = xs;
  reduced.back() = 1;
  const size_t last = xs.size() - 1;
  xnn_subgraph_t sg = e.subgraph();
  const uint32_t x = e.plain(op, 0);
  // A scale of ones and a bias of zeros (left by ir::fold_weights) cost no passes.
  // (The fusion pass makes LayerNormalizations without a scale.)
  const bool scale = op.input(1) >= 0 && !all_equal(e.val(op.input(1)), 1.0f);
  const bool bias = op.input(2) >= 0 && !all_equal(e.val(op.input(2)), 0.0f);
  const uint32_t out = e.output(op, false);
  const uint32_t mean = e.tensor(reduced), centered = e.tensor(xs), sq = e.tensor(xs), var = e.tensor(reduced),
                 var_eps = e.tensor(reduced), inv = e.tensor(reduced), normed = scale || bias ? e.tensor(xs) : out;
  const uint32_t eps = e.tensor({}, e.own({op.attr_float("epsilon", 1e-5f)}));
  xnn::check(xnn_define_static_reduce(sg, xnn_reduce_mean, 1, &last, x, mean, XNN_FLAG_KEEP_DIMS), &op, "the mean");
  xnn::check(xnn_define_binary(sg, xnn_binary_subtract, nullptr, x, mean, centered, 0), &op, "the centring");
  xnn::check(xnn_define_unary(sg, xnn_unary_square, nullptr, centered, sq, 0), &op, "the square");
  xnn::check(xnn_define_static_reduce(sg, xnn_reduce_mean, 1, &last, sq, var, XNN_FLAG_KEEP_DIMS), &op, "the variance");
  xnn::check(xnn_define_binary(sg, xnn_binary_add, nullptr, var, eps, var_eps, 0), &op, "the epsilon");
  xnn::check(xnn_define_unary(sg, xnn_unary_reciprocal_square_root, nullptr, var_eps, inv, 0), &op, "the rsqrt");
  xnn::check(xnn_define_binary(sg, xnn_binary_multiply, nullptr, centered, inv, normed, 0), &op, "the normalisation");
  const uint32_t scaled = !scale ? normed : bias ? e.tensor(xs) : out;
  if (scale)
    xnn::check(xnn_define_binary(sg, xnn_binary_multiply, nullptr, normed, e.input(op, 1), scaled, 0), &op,
               "the scale");
  if (bias) xnn::check(xnn_define_binary(sg, xnn_binary_add, nullptr, scaled, e.input(op, 2), out, 0), &op, "the bias");
}

void infer_layer_norm(Graph& g, Op& op) {
  in(g, op, 1);  // the scale is required
  infer_last_axis(g, op);
}

void lower_softmax(xnn::Emitter& e, const ir::FusedOp& op) {
  const uint32_t x = e.plain(op, 0);
  xnn::check(xnn_define_softmax(e.subgraph(), x, e.output(op, false), 0), &op, "the softmax");
}

// The reduced axes, sorted, from the attribute (before opset 18) or the input; all when empty
// (unless noop_with_empty_axes).
std::vector<size_t> reduced_axes(const Graph& g, const Op& op) {
  const size_t rank = in(g, op, 0).shape.size();
  const std::vector<int64_t> listed = op.input(1) >= 0 ? ints_of(g, op, 1) : op.attr_ints("axes");
  std::vector<size_t> axes;
  for (int64_t a : listed) axes.push_back(size_t(norm_axis(op, a, rank)));
  if (listed.empty() && !op.attr_int("noop_with_empty_axes", 0))
    for (size_t a = 0; a < rank; ++a) axes.push_back(a);
  std::sort(axes.begin(), axes.end());
  if (std::adjacent_find(axes.begin(), axes.end()) != axes.end()) fail(op, "repeats an axis");
  return axes;
}

void infer_reduce_mean(Graph& g, Op& op) {
  const Value& x = in(g, op, 0);
  if (x.dtype != DType::F32) fail(op, "needs a float input");
  const std::vector<size_t> axes = reduced_axes(g, op);
  const bool keep = op.attr_int("keepdims", 1) != 0;
  Shape o;
  std::vector<bool> reduced(x.shape.size(), false);
  for (size_t a : axes) reduced[a] = true;
  for (size_t k = 0; k < x.shape.size(); ++k)
    if (!reduced[k]) o.push_back(x.shape[k]);
    else if (keep) o.push_back(1);
  set_shape(g, op, o, DType::F32);
  if (!x.is_const) return;
  Value& r = out(g, op);
  r.f32.assign(ir::element_count(o), 0.0f);
  Shape kept = x.shape;  // the output as if keepdims, to index it
  for (size_t a : axes) kept[a] = 1;
  const double count = double(ir::element_count(x.shape)) / double(std::max<size_t>(1, r.f32.size()));
  for (size_t i = 0; i < x.f32.size(); ++i) {
    size_t rem = i, dst = 0, stride = 1;
    for (size_t k = x.shape.size(); k-- > 0;) {
      const size_t c = rem % size_t(x.shape[k]);
      rem /= size_t(x.shape[k]);
      if (!reduced[k]) dst += c * stride;
      stride *= size_t(kept[k]);
    }
    r.f32[dst] += float(double(x.f32[i]) / count);
  }
  r.is_const = true;
}

void lower_reduce_mean(xnn::Emitter& e, const ir::FusedOp& op) {
  const std::vector<size_t> axes = reduced_axes(e.graph(), op);
  const uint32_t x = e.plain(op, 0);
  const uint32_t flags = op.attr_int("keepdims", 1) ? XNN_FLAG_KEEP_DIMS : 0;
  if (axes.empty()) return xnn::check(xnn_define_copy(e.subgraph(), x, e.output(op, false), 0), &op, "the mean");
  xnn::check(
      xnn_define_static_reduce(e.subgraph(), xnn_reduce_mean, axes.size(), axes.data(), x, e.output(op, false), flags),
      &op, "the mean");
}

}  // namespace

void add_normalization_ops(std::vector<OpDef>& table) {
  table.push_back({"LayerNormalization", infer_layer_norm, lower_layer_norm});
  table.push_back({"Softmax", infer_last_axis, lower_softmax});
  table.push_back({"ReduceMean", infer_reduce_mean, lower_reduce_mean});
}

}  // namespace dv::ops
