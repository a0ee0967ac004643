// MatMulInteger and ConvInteger as onnxruntime's dynamic quantization writes them (the
// "quantized" / int8 / uint8 files):
//   q, q_scale, q_zp = DynamicQuantizeLinear(x)
//   y = Mul(Cast(MatMulInteger(q, W, q_zp, W_zp), to=float), Mul(q_scale, W_scale))
// and the same with ConvInteger. The pattern becomes MatMul(x, W) or Conv(x, W) with W held as
// int8 codes and a scale per output channel (Int8Weights), so XNNPACK's qd8 kernels run it with the
// file's own codes.
#include "engine/ops/infer_helpers.h"
#include "engine/ops/quantized.h"
#include "engine/ops/registry.h"

namespace dv::ops {
namespace {

const char* const kPattern =
    " (the engine runs the pattern of onnxruntime's dynamic quantization: DynamicQuantizeLinear, the integer op, "
    "Cast to float, Mul by the product of the two scales)";

[[noreturn]] void off_pattern(const Op& op, const std::string& why) { unsupported(op, why + kPattern); }

const Op* producer_of(const Graph& g, int v) {
  return v >= 0 && g.values[size_t(v)].producer >= 0 ? &g.ops[size_t(g.values[size_t(v)].producer)] : nullptr;
}

// Operand i of `op`: a DynamicQuantizeLinear's codes (and its zero point as operand zp_index).
const Op* dynamic_quantization(const Graph& g, const Op& op, size_t i, size_t zp_index) {
  const Op* d = producer_of(g, op.input(i));
  if (!d || d->type != "DynamicQuantizeLinear" || d->outputs.size() != 3 || d->outputs[0] != op.input(i))
    return nullptr;
  if (op.input(zp_index) != d->outputs[2]) off_pattern(op, "the zero point of a dynamically quantized input is not its own");
  return d;
}

// The ops after the integer op: the Cast, the Mul, and the Mul's other operand (the scales).
struct Scaling {
  int cast = -1, mul = -1, scales = -1;
};

Scaling scaling_of(const Graph& g, const Op& op) {
  if (op.outputs.size() != 1 || op.outputs[0] < 0) fail(op, "must have one output");
  Scaling s;
  s.cast = sole_reader(g, op.outputs[0]);
  const Op* cast = s.cast >= 0 ? &g.ops[size_t(s.cast)] : nullptr;
  if (!cast || cast->type != "Cast" || cast->attr_int("to", 0) != int64_t(onnx::DataType::Float))
    off_pattern(op, "its result is not converted to float by a Cast");
  s.mul = sole_reader(g, cast->outputs.at(0));
  const Op* mul = s.mul >= 0 ? &g.ops[size_t(s.mul)] : nullptr;
  if (!mul || mul->type != "Mul" || mul->inputs.size() != 2) off_pattern(op, "its float result is not scaled by a Mul");
  s.scales = mul->input(0) == cast->outputs[0] ? mul->input(1) : mul->input(0);
  return s;
}

// The weight scale in scales = Mul(activation scale, weight scale): one value or one per channel.
std::vector<float> weight_scale(const Graph& g, const Op& op, int scales, int activation_scale, size_t channels) {
  const Op* m = producer_of(g, scales);
  if (!m || m->type != "Mul" || m->inputs.size() != 2 ||
      (m->input(0) != activation_scale && m->input(1) != activation_scale))
    off_pattern(op, "the scale of its result is not the input's scale times the weight's scale");
  const Value& w = g.values[size_t(m->input(0) == activation_scale ? m->input(1) : m->input(0))];
  if (!w.initializer || w.dtype != DType::F32) off_pattern(op, "the weight's scale '" + w.name + "' is not a constant");
  std::vector<float> r = per_channel(w.f32, channels);
  if (r.empty()) fail(op, "the weight's scale '" + w.name + "' needs 1 or " + std::to_string(channels) + " values");
  return r;
}

const Value& weight_codes(const Graph& g, const Op& op, size_t rank) {
  const Value& w = constant_input(g, op, 1, "weight");
  if (!ir::is_8bit(w.dtype)) fail(op, "the weight '" + w.name + "' must be int8 or uint8");
  if (w.shape.size() != rank)
    unsupported(op, "the weight '" + w.name + "' must be " + std::to_string(rank) + "-D, got " + ir::to_string(w.shape));
  return w;
}

// The op becomes `type` reading `inputs` and writing what the scaling Mul wrote.
void replace_pattern(Graph& g, int index, const Scaling& s, const char* type, const std::vector<int>& inputs) {
  g.ops[size_t(index)].type = type;
  ir::set_inputs(g, index, inputs);
  ir::move_outputs(g, s.mul, index);
}

void rewrite_matmul_integer(Graph& g, int index) {
  const Op& op = g.ops[size_t(index)];
  const Op* a = dynamic_quantization(g, op, 0, 2);
  if (!a) off_pattern(op, "its input A does not come from DynamicQuantizeLinear");
  const Scaling s = scaling_of(g, op);
  if (const Op* b = dynamic_quantization(g, op, 1, 3)) {  // two activations: a float batched product
    const Op* m = producer_of(g, s.scales);
    const auto reads = [&](int u, int v) { return m->input(0) == u && m->input(1) == v; };
    if (!m || m->type != "Mul" || !(reads(a->outputs[1], b->outputs[1]) || reads(b->outputs[1], a->outputs[1])))
      off_pattern(op, "the scale of its result is not the product of its inputs' scales");
    replace_pattern(g, index, s, "MatMul", {a->input(0), b->input(0)});
    return;
  }
  const Value& w = weight_codes(g, op, 2);
  const size_t K = size_t(w.shape[0]), N = size_t(w.shape[1]);
  const std::vector<float> scale = weight_scale(g, op, s.scales, a->outputs[1], N);
  const std::vector<int32_t> zp = zero_points(g, op, 3, w, N);
  const std::vector<int32_t> codes = codes_of(w);
  std::vector<int32_t> rows(codes.size());
  for (size_t k = 0; k < K; ++k)
    for (size_t n = 0; n < N; ++n) rows[n * K + k] = codes[k * N + n] - zp[n];
  const int weight =
      weight_from_codes(g, w.name + "_int8", w.shape, WeightLayout::transposed, N, K, rows, scale, true);
  replace_pattern(g, index, s, "MatMul", {a->input(0), weight});
}

void rewrite_conv_integer(Graph& g, int index) {
  const Op& op = g.ops[size_t(index)];
  const Op* x = dynamic_quantization(g, op, 0, 2);
  if (!x) off_pattern(op, "its input does not come from DynamicQuantizeLinear");
  const Scaling s = scaling_of(g, op);
  const Value& w = weight_codes(g, op, 4);
  const size_t O = size_t(w.shape[0]), cols = ir::element_count(w.shape) / std::max<size_t>(O, 1);
  const std::vector<float> scale = weight_scale(g, op, s.scales, x->outputs[1], O);
  const std::vector<int32_t> zp = zero_points(g, op, 3, w, O);
  std::vector<int32_t> rows = codes_of(w);
  for (size_t i = 0; i < rows.size(); ++i) rows[i] -= zp[i / cols];
  // Grouped (depthwise) ones too: XNNPACK's qd8 convolution runs them as grouped GEMMs, so they
  // quantize their input as the file does (float weights there put depthview 4.6 % of the range
  // away from ONNX Runtime on FastDepth, 2.3 % with them).
  const int weight = weight_from_codes(g, w.name + "_int8", w.shape, WeightLayout::rows, O, cols, rows, scale, true);
  replace_pattern(g, index, s, "Conv", {x->input(0), weight});
}

}  // namespace

void add_integer_ops(std::vector<OpDef>& table) {
  table.push_back({.type = "MatMulInteger", .rewrite = rewrite_matmul_integer, .reads_8bit = true});
  table.push_back({.type = "ConvInteger", .rewrite = rewrite_conv_integer, .reads_8bit = true});
}

}  // namespace dv::ops
