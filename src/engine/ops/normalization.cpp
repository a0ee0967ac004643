// LayerNormalization and Softmax over the last axis, built from XNNPACK nodes.
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
  const bool scale = !all_equal(e.val(op.input(1)), 1.0f), bias = op.input(2) >= 0 && !all_equal(e.val(op.input(2)), 0.0f);
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
  if (scale) xnn::check(xnn_define_binary(sg, xnn_binary_multiply, nullptr, normed, e.input(op, 1), scaled, 0), &op, "the scale");
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

}  // namespace

void add_normalization_ops(std::vector<OpDef>& table) {
  table.push_back({"LayerNormalization", infer_layer_norm, lower_layer_norm});
  table.push_back({"Softmax", infer_last_axis, lower_softmax});
}

}  // namespace dv::ops
