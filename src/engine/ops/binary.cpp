// Elementwise functions of two tensors with numpy broadcasting. Add, Sub, Mul, Div, Min and Max run
// on activations; Pow, Mod and the comparisons only fold (shape arithmetic, masks), in checked
// int64 where the operands are integers.
#include <algorithm>
#include <cmath>
#include <functional>

#include "engine/ops/binary.h"
#include "engine/ops/infer_helpers.h"
#include "engine/ops/registry.h"
#include "engine/xnn/emitter.h"

namespace dv::ops {
namespace {

template <typename T>
void fold(Graph& g, const Op& op, const std::function<T(T, T)>& f) {
  const Value& a = in(g, op, 0);
  const Value& b = in(g, op, 1);
  Value& o = out(g, op);
  const size_t n = ir::element_count(o.shape);
  check_folded_size(op, n);
  auto& r = [&]() -> std::vector<T>& {
    if constexpr (std::is_same_v<T, float>) return o.f32;
    else return o.i64;
  }();
  const auto& da = [&]() -> const std::vector<T>& {
    if constexpr (std::is_same_v<T, float>) return a.f32;
    else return a.i64;
  }();
  const auto& db = [&]() -> const std::vector<T>& {
    if constexpr (std::is_same_v<T, float>) return b.f32;
    else return b.i64;
  }();
  r.resize(n);
  for (size_t i = 0; i < n; ++i)
    r[i] = f(da[broadcast_index(i, o.shape, a.shape)], db[broadcast_index(i, o.shape, b.shape)]);
  o.is_const = true;
}

// x + y, x - y or x * y in int64: a hostile model gets a message, not undefined behaviour.
int64_t checked(const Op& op, int64_t x, int64_t y, char kind) {
  int64_t r = 0;
  const bool overflow = kind == '+'   ? __builtin_add_overflow(x, y, &r)
                        : kind == '-' ? __builtin_sub_overflow(x, y, &r)
                                      : __builtin_mul_overflow(x, y, &r);
  if (overflow) fail(op, "integer overflow in shape arithmetic");
  return r;
}

std::function<int64_t(int64_t, int64_t)> int_function(const Op& op) {
  const std::string& t = op.type;
  if (t == "Add") return [&](int64_t x, int64_t y) { return checked(op, x, y, '+'); };
  if (t == "Sub") return [&](int64_t x, int64_t y) { return checked(op, x, y, '-'); };
  if (t == "Mul") return [&](int64_t x, int64_t y) { return checked(op, x, y, '*'); };
  if (t == "Div")
    return [&](int64_t x, int64_t y) {
      if (y == 0) fail(op, "division by zero");
      if (x == INT64_MIN && y == -1) fail(op, "integer overflow in shape arithmetic");
      return x / y;
    };
  if (t == "Pow")
    return [&](int64_t x, int64_t y) {
      if (y < 0) fail(op, "negative integer exponent");
      int64_t r = 1;
      for (int64_t k = 0; k < y && r != 0 && !(r == 1 && x == 1); ++k) r = checked(op, r, x, '*');
      return r;
    };
  if (t == "Min") return [](int64_t x, int64_t y) { return std::min(x, y); };
  if (t == "Max") return [](int64_t x, int64_t y) { return std::max(x, y); };
  if (t == "Mod")
    return [&](int64_t x, int64_t y) {
      if (y == 0) fail(op, "modulo by zero");
      return y == -1 ? 0 : x % y;
    };
  if (t == "Equal") return [](int64_t x, int64_t y) { return int64_t(x == y); };
  if (t == "Less") return [](int64_t x, int64_t y) { return int64_t(x < y); };
  return [](int64_t x, int64_t y) { return int64_t(x > y); };  // Greater
}

std::function<float(float, float)> float_function(const Op& op) {
  const std::string& t = op.type;
  if (t == "Add") return std::plus<float>();
  if (t == "Sub") return std::minus<float>();
  if (t == "Mul") return std::multiplies<float>();
  if (t == "Div") return std::divides<float>();
  if (t == "Pow") return [](float x, float y) { return std::pow(x, y); };
  if (t == "Min") return [](float x, float y) { return std::min(x, y); };
  if (t == "Max") return [](float x, float y) { return std::max(x, y); };
  fail(op, "needs integer operands");  // Mod and the comparisons: only shapes and masks
}

void infer_binary(Graph& g, Op& op) {
  const Value& a = in(g, op, 0);
  const Value& b = in(g, op, 1);
  const bool compare = op.type == "Equal" || op.type == "Less" || op.type == "Greater";
  if (a.dtype != b.dtype) fail(op, "operands have different element types");
  set_shape(g, op, broadcast(op, a.shape, b.shape), compare ? DType::I64 : a.dtype);
  if (!a.is_const || !b.is_const) return;
  if (a.dtype == DType::I64) fold<int64_t>(g, op, int_function(op));
  else fold<float>(g, op, float_function(op));
}

void lower_binary(xnn::Emitter& e, const ir::FusedOp& op) {
  // NHWC when either operand is (the other follows: constants are re-laid, activations transposed).
  const bool nhwc = e.input_nhwc(op, 0) || e.input_nhwc(op, 1);
  for (size_t i = 0; i < 2; ++i) {
    const Value& v = e.val(op.input(i));
    if (nhwc && !v.is_const && v.shape.size() != 4)
      fail(op, "mixes a 4-D activation with a rank-" + std::to_string(v.shape.size()) + " one");
  }
  auto operand = [&](size_t i) {
    const Value& v = e.val(op.input(i));
    return nhwc && !v.is_const ? e.as_nhwc(op, i) : e.input(op, i, nhwc);
  };
  const uint32_t a = operand(0), b = operand(1);
  xnn::check(xnn_define_binary(e.subgraph(), binary_kind(op), nullptr, a, b, e.output(op, nhwc), 0), &op,
             "the elementwise operation");
}

}  // namespace

xnn_binary_operator binary_kind(const Op& op) {
  const std::string& t = op.type;
  if (t == "Add") return xnn_binary_add;
  if (t == "Sub") return xnn_binary_subtract;
  if (t == "Mul") return xnn_binary_multiply;
  if (t == "Div") return xnn_binary_divide;
  if (t == "Min") return xnn_binary_minimum;
  if (t == "Max") return xnn_binary_maximum;
  fail(op, "does not run on activations");
}

void add_binary_ops(std::vector<OpDef>& table) {
  for (const char* t : {"Add", "Sub", "Mul", "Div", "Min", "Max"}) table.push_back({t, infer_binary, lower_binary});
  for (const char* t : {"Pow", "Mod", "Equal", "Less", "Greater"}) table.push_back({t, infer_binary});
}

}  // namespace dv::ops
