// Elementwise functions of one activation: Relu, Clip, LeakyRelu, Sigmoid, Tanh, HardSwish, Elu,
// Gelu, Sqrt, Neg, Floor, Ceil; Erf folds only (computed, it runs as part of the GELU pattern, see
// ir/fuse.h). Each folds on constants with the same function XNNPACK computes.
#include <algorithm>
#include <cmath>

#include "engine/ir/fuse.h"
#include "engine/ops/infer_helpers.h"
#include "engine/ops/registry.h"
#include "engine/xnn/emitter.h"
#include "engine/xnn/layout.h"

namespace dv::ops {
namespace {

using xnn::kInf;

struct Activation {
  std::string_view type;
  xnn_unary_operator kind;                          // xnn_unary_invalid: folds only
  float (*f)(float x, const xnn_unary_params& p);   // the same function, for folding
  void (*params)(const Graph& g, const Op& op, xnn_unary_params& p) = nullptr;
};

void clip_bounds(const Graph& g, const Op& op, xnn_unary_params& p) {
  if (!ir::clamp_bounds(g, op, p.clamp.min, p.clamp.max)) fail(op, "min and max must be constant scalars");
}

float gelu(float x) { return 0.5f * x * (1.0f + std::erf(x * float(M_SQRT1_2))); }

const Activation kActivations[] = {
    {"Relu", xnn_unary_clamp, [](float x, const xnn_unary_params&) { return std::max(x, 0.0f); },
     [](const Graph&, const Op&, xnn_unary_params& p) {
       p.clamp.min = 0.0f;
       p.clamp.max = kInf;
     }},
    {"Clip", xnn_unary_clamp,
     [](float x, const xnn_unary_params& p) { return std::clamp(x, p.clamp.min, p.clamp.max); }, clip_bounds},
    {"LeakyRelu", xnn_unary_leaky_relu,
     [](float x, const xnn_unary_params& p) { return x < 0.0f ? x * p.leaky_relu.negative_slope : x; },
     [](const Graph&, const Op& op, xnn_unary_params& p) {
       p.leaky_relu.negative_slope = op.attr_float("alpha", 0.01f);
     }},
    {"Elu", xnn_unary_elu,
     [](float x, const xnn_unary_params& p) { return x < 0.0f ? p.elu.alpha * std::expm1(x) : x; },
     [](const Graph&, const Op& op, xnn_unary_params& p) { p.elu.alpha = op.attr_float("alpha", 1.0f); }},
    {"HardSwish", xnn_unary_hardswish,
     [](float x, const xnn_unary_params&) { return x * std::clamp(x / 6.0f + 0.5f, 0.0f, 1.0f); }},
    {"Sigmoid", xnn_unary_sigmoid, [](float x, const xnn_unary_params&) { return 1.0f / (1.0f + std::exp(-x)); }},
    {"Tanh", xnn_unary_tanh, [](float x, const xnn_unary_params&) { return std::tanh(x); }},
    {"Sqrt", xnn_unary_square_root, [](float x, const xnn_unary_params&) { return std::sqrt(x); }},
    {"Neg", xnn_unary_negate, [](float x, const xnn_unary_params&) { return -x; }},
    {"Floor", xnn_unary_floor, [](float x, const xnn_unary_params&) { return std::floor(x); }},
    {"Ceil", xnn_unary_ceiling, [](float x, const xnn_unary_params&) { return std::ceil(x); }},
    {"Erf", xnn_unary_invalid, [](float x, const xnn_unary_params&) { return std::erf(x); }},
    {"Gelu", xnn_unary_gelu, [](float x, const xnn_unary_params&) { return gelu(x); }},
};

const Activation& activation(const Op& op) {
  for (const Activation& a : kActivations)
    if (a.type == op.type) return a;
  fail(op, "not an activation");
}

xnn_unary_params params_of(const Graph& g, const Op& op) {
  xnn_unary_params p{};
  if (auto set = activation(op).params) set(g, op, p);
  return p;
}

// Gelu's tanh approximation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
float gelu_tanh(float x) { return 0.5f * x * (1.0f + std::tanh(0.7978845608f * (x + 0.044715f * x * x * x))); }
bool tanh_gelu(const Op& op) {
  const std::string approximate = op.attr_string("approximate", "none");
  if (approximate != "none" && approximate != "tanh") fail(op, "approximate='" + approximate + "' is not an ONNX mode");
  return approximate == "tanh";
}

void infer_activation(Graph& g, Op& op) {
  same_shape_as_input(g, op);
  const Value& x = in(g, op, 0);
  if (x.dtype != DType::F32) fail(op, "needs a float input");
  const xnn_unary_params p = params_of(g, op);  // validates Clip's bounds at load time
  if (!x.is_const) return;
  const bool approx = op.type == "Gelu" && tanh_gelu(op);
  const auto f = activation(op).f;
  Value& o = out(g, op);
  o.f32.resize(x.f32.size());
  std::transform(x.f32.begin(), x.f32.end(), o.f32.begin(), [&](float v) { return approx ? gelu_tanh(v) : f(v, p); });
  o.is_const = true;
}

void lower_activation(xnn::Emitter& e, const ir::FusedOp& op) {
  const bool nhwc = e.input_nhwc(op, 0);
  const uint32_t x = e.input(op, 0);
  const xnn_unary_params p = params_of(e.graph(), op);
  const xnn_unary_operator kind = activation(op).kind;
  xnn::check(xnn_define_unary(e.subgraph(), kind, &p, x, e.output(op, nhwc), 0), &op, "the activation");
}

// Binary op `kind` of tensor a and scalar k into a new tensor of `shape` (or `out`).
uint32_t with_scalar(xnn::Emitter& e, const Op& op, xnn_binary_operator kind, uint32_t a, float k, const Shape& shape,
                     uint32_t out = XNN_INVALID_VALUE_ID) {
  if (out == XNN_INVALID_VALUE_ID) out = e.tensor(shape);
  xnn::check(xnn_define_binary(e.subgraph(), kind, nullptr, a, e.tensor({}, e.own({k})), out, 0), &op, "the GELU");
  return out;
}

// Exact GELU is one XNNPACK node; the tanh approximation is built from six.
void lower_gelu(xnn::Emitter& e, const ir::FusedOp& op) {
  if (!tanh_gelu(op)) return lower_activation(e, op);
  const bool nhwc = e.input_nhwc(op, 0);
  const Shape& s = e.val(op.inputs[0]).shape;
  const Shape shape = nhwc ? xnn::to_nhwc(s) : s;
  const uint32_t x = e.input(op, 0), sg_out = e.output(op, nhwc);
  xnn_subgraph_t sg = e.subgraph();
  const uint32_t x2 = e.tensor(shape), x3 = e.tensor(shape), inner = e.tensor(shape), t = e.tensor(shape),
                 xt = e.tensor(shape);
  xnn::check(xnn_define_unary(sg, xnn_unary_square, nullptr, x, x2, 0), &op, "the GELU");
  xnn::check(xnn_define_binary(sg, xnn_binary_multiply, nullptr, x2, x, x3, 0), &op, "the GELU");
  const uint32_t cubic = with_scalar(e, op, xnn_binary_multiply, x3, 0.044715f, shape);
  xnn::check(xnn_define_binary(sg, xnn_binary_add, nullptr, x, cubic, inner, 0), &op, "the GELU");
  const uint32_t scaled = with_scalar(e, op, xnn_binary_multiply, inner, 0.7978845608f, shape);
  xnn::check(xnn_define_unary(sg, xnn_unary_tanh, nullptr, scaled, t, 0), &op, "the GELU");
  const uint32_t one_plus = with_scalar(e, op, xnn_binary_add, t, 1.0f, shape);
  xnn::check(xnn_define_binary(sg, xnn_binary_multiply, nullptr, one_plus, x, xt, 0), &op, "the GELU");
  with_scalar(e, op, xnn_binary_multiply, xt, 0.5f, shape, sg_out);
}

}  // namespace

void add_activation_ops(std::vector<OpDef>& table) {
  for (const Activation& a : kActivations) {
    auto lower = a.kind == xnn_unary_invalid ? nullptr : a.type == "Gelu" ? lower_gelu : lower_activation;
    table.push_back({a.type, infer_activation, lower});
  }
}

}  // namespace dv::ops
