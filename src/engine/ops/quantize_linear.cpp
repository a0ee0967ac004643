// QuantizeLinear, DequantizeLinear and DynamicQuantizeLinear. Dequantized weights (QDQ files:
// DequantizeLinear of int8 codes before a MatMul or Conv) become the layer's Int8Weights; other
// constant ones fold to float. On activations a QuantizeLinear → DequantizeLinear pair rounds and
// saturates to the file's calibrated per-tensor grid, as ONNX Runtime does (then the int8 layer
// after it quantizes its input again, per row, for XNNPACK's qd8 kernels). DynamicQuantizeLinear
// only runs inside the patterns of integer.cpp.
#include <algorithm>
#include <cmath>

#include "engine/ops/infer_helpers.h"
#include "engine/ops/quantized.h"
#include "engine/ops/registry.h"
#include "engine/xnn/emitter.h"

namespace dv::ops {
namespace {

// Integer values of a constant: 8-bit codes, or int32 (biases of QDQ files, held as int64).
std::vector<int32_t> integers_of(const Value& v) {
  if (ir::is_8bit(v.dtype)) return codes_of(v);
  return std::vector<int32_t>(v.i64.begin(), v.i64.end());
}

// The channel of each element of `shape` for a per-axis scale along `axis` (or 0 for one scale).
struct Axis {
  size_t channels = 1, inner = 1;
  size_t channel(size_t flat) const { return channels == 1 ? 0 : (flat / inner) % channels; }
};

Axis axis_of(const Op& op, const Shape& shape, size_t scale_count) {
  if (op.attr_int("block_size", 0) != 0) unsupported(op, "blocked (block_size) dequantization is not supported");
  if (scale_count <= 1) return {};
  const auto axis = size_t(norm_axis(op, op.attr_int("axis", 1), shape.size()));
  if (size_t(shape[axis]) != scale_count)
    fail(op, std::to_string(scale_count) + " scales for axis " + std::to_string(axis) + " of " + ir::to_string(shape));
  return {scale_count, ir::element_count(Shape(shape.begin() + int64_t(axis) + 1, shape.end()))};
}

const Value& scale_input(const Graph& g, const Op& op) {
  if (op.input(1) < 0) fail(op, "the scale input is missing");
  const Value& s = in(g, op, 1);
  if (s.dtype != DType::F32) fail(op, "the scale '" + s.name + "' must be float");
  return s;
}

void infer_dequantize(Graph& g, Op& op) {
  const Value& x = in(g, op, 0);
  const Value& s = scale_input(g, op);
  set_shape(g, op, x.shape, DType::F32);
  if (!x.is_const || !s.is_const) return;
  if (x.dtype == DType::F32) fail(op, "its input '" + x.name + "' must be integer");
  const Axis axis = axis_of(op, x.shape, s.f32.size());
  const std::vector<int32_t> codes = integers_of(x);
  std::vector<int32_t> zp(axis.channels, 0);
  if (op.input(2) >= 0) {
    const Value& z = in(g, op, 2);
    if (z.dtype != x.dtype) fail(op, "the zero point '" + z.name + "' must have the element type of '" + x.name + "'");
    zp = per_channel(integers_of(z), axis.channels);
    if (zp.empty()) fail(op, "the zero point '" + z.name + "' and the scale have different sizes");
  }
  Value& y = out(g, op);
  alloc(op, y);
  for (size_t i = 0; i < codes.size(); ++i) {
    const size_t c = axis.channel(i);
    y.f32[i] = float(codes[i] - zp[c]) * s.f32[c];
  }
}

void infer_quantize(Graph& g, Op& op) {
  const Value& x = in(g, op, 0);
  const Value& s = scale_input(g, op);
  const bool has_zp = op.input(2) >= 0;
  const DType type = has_zp ? in(g, op, 2).dtype : DType::U8;
  if (!ir::is_8bit(type)) unsupported(op, "only 8-bit quantization is supported");
  set_shape(g, op, x.shape, type);
  if (!x.is_const || !s.is_const || (has_zp && !in(g, op, 2).is_const)) return;
  const Axis axis = axis_of(op, x.shape, s.f32.size());
  const std::vector<int32_t> zp = has_zp ? per_channel(codes_of(in(g, op, 2)), axis.channels)
                                         : std::vector<int32_t>(axis.channels, 0);
  if (zp.empty()) fail(op, "the zero point and the scale have different sizes");
  const int32_t lo = type == DType::I8 ? -128 : 0, hi = type == DType::I8 ? 127 : 255;
  check_folded_size(op, x.f32.size());
  Value& y = out(g, op);
  y.bytes.resize(x.f32.size());
  for (size_t i = 0; i < x.f32.size(); ++i) {
    const size_t c = axis.channel(i);
    const auto q = int32_t(std::nearbyint(x.f32[i] / s.f32[c])) + zp[c];
    y.bytes[i] = uint8_t(std::clamp(q, lo, hi));
  }
  y.is_const = true;
}

void infer_dynamic_quantize(Graph& g, Op& op) {
  const Value& x = in(g, op, 0);
  if (x.dtype != DType::F32) fail(op, "needs a float input");
  if (op.outputs.size() != 3) fail(op, "must have 3 outputs");
  set_shape(g, op, x.shape, DType::U8, 0);
  set_shape(g, op, {}, DType::F32, 1);
  set_shape(g, op, {}, DType::U8, 2);
}

// The weight a DequantizeLinear of constant codes makes for the MatMul or Conv that reads it, held
// as Int8Weights with the layer's output channels as rows; -1 when it is read otherwise (it folds).
int int8_weight_for_reader(Graph& g, const Op& dq, int reader) {
  const Op& r = g.ops[size_t(reader)];
  const Value& x = g.values[size_t(dq.input(0))];
  const Value* s = dq.input(1) >= 0 ? &g.values[size_t(dq.input(1))] : nullptr;
  if (r.input(1) != dq.outputs[0] || !ir::is_8bit(x.dtype) || !s || !s->initializer || s->dtype != DType::F32 ||
      dq.attr_int("block_size", 0) != 0)
    return -1;
  const bool matmul = r.type == "MatMul" && x.shape.size() == 2;
  const bool conv = r.type == "Conv" && x.shape.size() == 4 && r.attr_int("group", 1) == 1;
  if (!matmul && !conv) return -1;
  const size_t rows = size_t(matmul ? x.shape[1] : x.shape[0]), cols = ir::element_count(x.shape) / rows;
  const int64_t channel_axis = matmul ? 1 : 0;
  const int64_t axis = dq.attr_int("axis", 1);
  if (s->f32.size() != 1 && !(s->f32.size() == rows && (axis == channel_axis || axis == channel_axis - 2))) return -1;
  const std::vector<float> scale = per_channel(s->f32, rows);
  const std::vector<int32_t> zp = zero_points(g, dq, 2, x, rows);
  const std::vector<int32_t> codes = codes_of(x);
  std::vector<int32_t> by_row(codes.size());
  for (size_t i = 0; i < codes.size(); ++i) {
    const size_t row = matmul ? i % rows : i / cols, col = matmul ? i / rows : i % cols;
    by_row[row * cols + col] = codes[i] - zp[row];
  }
  return weight_from_codes(g, x.name + "_int8", x.shape, matmul ? WeightLayout::transposed : WeightLayout::rows, rows,
                           cols, by_row, scale, true);
}

void rewrite_dequantize(Graph& g, int index) {
  const Op& dq = g.ops[size_t(index)];
  if (dq.inputs.empty() || dq.input(0) < 0 || dq.outputs.size() != 1 || dq.outputs[0] < 0) return;
  if (dq.input(1) < 0) fail(dq, "the scale input is missing");
  const int y = dq.outputs[0];
  if (!g.values[size_t(dq.input(0))].initializer) return;
  const int reader = sole_reader(g, y);
  const int w = reader >= 0 ? int8_weight_for_reader(g, dq, reader) : -1;
  if (w >= 0) ir::replace_uses(g, y, w);  // leaves the DequantizeLinear unread: it goes
}

// One scale and zero point (constants) of a QuantizeLinear or DequantizeLinear on activations.
struct TensorQuantization {
  bool is_signed = false;
  int32_t zero_point = 0;
  float scale = 1.0f;
  bool operator==(const TensorQuantization&) const = default;
};

TensorQuantization tensor_quantization(const Graph& g, const Op& op) {
  const Value& s = scale_input(g, op);
  if (!s.is_const || s.f32.size() != 1) unsupported(op, "on computed tensors only one constant scale is supported");
  if (!(s.f32[0] > 0.0f) || !std::isnormal(s.f32[0])) fail(op, "the scale must be positive");
  TensorQuantization q{false, 0, s.f32[0]};
  if (op.input(2) >= 0) {
    const Value& z = in(g, op, 2);
    if (!z.is_const || !ir::is_8bit(z.dtype) || z.bytes.size() != 1)
      unsupported(op, "on computed tensors only one constant 8-bit zero point is supported");
    q.is_signed = z.dtype == DType::I8;
    q.zero_point = codes_of(z)[0];
  }
  return q;
}

// On computed tensors: to an 8-bit tensor with the file's scale and zero point (XNNPACK's convert
// rounds and saturates as QuantizeLinear does), and back to float.
void lower_quantize(xnn::Emitter& e, const ir::FusedOp& op) {
  const TensorQuantization q = tensor_quantization(e.graph(), op);
  const bool nhwc = e.input_nhwc(op, 0);
  xnn::check(xnn_define_unary(e.subgraph(), xnn_unary_convert, nullptr, e.input(op, 0),
                              e.quantized_output(op, nhwc, q.is_signed, q.zero_point, q.scale), 0),
             &op, "the quantization");
}

void lower_dequantize(xnn::Emitter& e, const ir::FusedOp& op) {
  const Op* q = e.val(op.input(0)).producer >= 0 ? &e.graph().ops[size_t(e.val(op.input(0)).producer)] : nullptr;
  if (!q || q->type != "QuantizeLinear" || !(tensor_quantization(e.graph(), *q) == tensor_quantization(e.graph(), op)))
    unsupported(op, "on computed tensors only the output of a QuantizeLinear with the same scale and zero point is "
                    "supported");
  xnn::check(xnn_define_unary(e.subgraph(), xnn_unary_convert, nullptr, e.input(op, 0),
                              e.output(op, e.input_nhwc(op, 0)), 0),
             &op, "the dequantization");
}

}  // namespace

void add_quantize_linear_ops(std::vector<OpDef>& table) {
  table.push_back({.type = "QuantizeLinear", .infer = infer_quantize, .lower = lower_quantize, .reads_8bit = true});
  table.push_back({.type = "DequantizeLinear",
                   .infer = infer_dequantize,
                   .lower = lower_dequantize,
                   .rewrite = rewrite_dequantize,
                   .reads_8bit = true});
  table.push_back({.type = "DynamicQuantizeLinear", .infer = infer_dynamic_quantize});
}

}  // namespace dv::ops
