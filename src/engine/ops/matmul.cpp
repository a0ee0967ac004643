// MatMul: by a constant 2-D right operand, a fully-connected layer (with a bias the fusion pass
// found, see ir/fuse.h; int8 mode quantizes its weights per output column); of two activations, a
// batched matrix multiply (in int8 mode the engine's kernel, both sides quantized on every run).
#include "engine/kernels/int8_batch_matmul.h"
#include "engine/ops/infer_helpers.h"
#include "engine/ops/registry.h"
#include "engine/xnn/emitter.h"

namespace dv::ops {
namespace {

void infer_matmul(Graph& g, Op& op) {
  const Shape& a = in(g, op, 0).shape;
  const Shape& b = in(g, op, 1).shape;
  if (a.size() < 2 || b.size() < 2) unsupported(op, "1-D MatMul operands are not supported");
  if (a.back() != b[b.size() - 2]) fail(op, "inner dimensions differ: " + ir::to_string(a) + " x " + ir::to_string(b));
  Shape o = broadcast(op, Shape(a.begin(), a.end() - 2), Shape(b.begin(), b.end() - 2));
  o.push_back(a[a.size() - 2]);
  o.push_back(b.back());
  set_shape(g, op, o, DType::F32);
  if (in(g, op, 0).is_const) unsupported(op, "a constant left operand is not supported");
  if (in(g, op, 1).is_const && b.size() != 2) fail(op, "a constant right operand must be 2-D");
}

bool int8_matmul(const Graph& g, const Op& op) {
  const int w = op.input(1);
  return w >= 0 && g.values[size_t(w)].initializer && g.values[size_t(w)].shape.size() == 2;
}

// Per output column, as [N, K] rows: a quantized model's own, or the int8 mode's.
uint32_t int8_weights_of(xnn::Emitter& e, const Op& op) {
  const Value& b = e.val(op.input(1));
  const int64_t K = b.shape[0], N = b.shape[1];
  if (b.int8) return e.int8_filter(*b.int8, {N, K});
  return e.int8_filter(e.shared_int8(op.input(1),
                                     [&] {
                                       std::vector<float> t(b.f32.size());
                                       for (int64_t k = 0; k < K; ++k)
                                         for (int64_t n = 0; n < N; ++n) t[size_t(n * K + k)] = b.f32[size_t(k * N + n)];
                                       return ir::quantize_rows(size_t(N), size_t(K), t);
                                     }),
                       {N, K});
}

void lower_matmul(xnn::Emitter& e, const ir::FusedOp& op) {
  const uint32_t a = e.plain(op, 0);
  const Value& b = e.val(op.input(1));
  if (!b.is_const) {
    const uint32_t bid = e.plain(op, 1);
    const bool softmax = op.partner_kind == ir::FusedOp::Partner::softmax_after;
    const uint32_t product = softmax ? e.tensor(e.val(op.link).shape) : e.output(op, false);
    xnn::check(xnn_define_batch_matrix_multiply(e.subgraph(), a, bid, product, 0), &op, "the batch matrix multiply");
    if (softmax) xnn::check(xnn_define_softmax(e.subgraph(), product, e.output(op, false), 0), &op, "the softmax");
    return;
  }
  const bool int8 = b.int8 || (e.int8() && int8_matmul(e.graph(), op));
  const uint32_t wid = int8 ? int8_weights_of(e, op) : e.tensor(b.shape, e.constant_data(op.input(1)));
  const uint32_t bias = op.bias >= 0 ? e.tensor({b.shape[1]}, e.constant_data(op.bias)) : XNN_INVALID_VALUE_ID;
  const uint32_t x = int8 ? e.quantize_activation(op, a, e.val(op.input(0)).shape, 1) : a;
  xnn::check(xnn_define_fully_connected(e.subgraph(), -xnn::kInf, xnn::kInf, x, wid, bias, e.output(op, false),
                                        int8 ? 0 : XNN_FLAG_TRANSPOSE_WEIGHTS),
             &op, "the fully-connected layer");
}

std::unique_ptr<kernels::Kernel> int8_batch_matmul(const Graph& g, const ir::FusedOp& op, bool int8) {
  const Value& a = in(g, op, 0);
  const Value& b = in(g, op, 1);
  if (!int8 || a.is_const || b.is_const || a.dtype != DType::F32 || b.dtype != DType::F32) return nullptr;
  return kernels::make_int8_batch_matmul(a.shape, b.shape, op.partner_kind == ir::FusedOp::Partner::softmax_after);
}

}  // namespace

void add_matmul_ops(std::vector<OpDef>& table) {
  OpDef matmul{"MatMul", infer_matmul, lower_matmul};
  matmul.int8_weights = int8_matmul;
  matmul.kernel = int8_batch_matmul;
  table.push_back(matmul);
}

}  // namespace dv::ops
