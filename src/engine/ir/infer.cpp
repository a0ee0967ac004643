// Shape inference and constant folding for the IR (see graph.h).
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <type_traits>
#include <unordered_map>

#include "engine/ir/fold_resize.h"
#include "engine/ir/graph.h"

namespace dv::ir {
namespace {

using onnx::ModelError;

[[noreturn]] void fail(const Op& op, const std::string& why) { throw ModelError(op.label() + ": " + why); }

const Value& in(const Graph& g, const Op& op, size_t i) {
  const int v = op.input(i);
  if (v < 0) fail(op, "input " + std::to_string(i) + " is missing");
  return g.values[v];
}

Value& out(Graph& g, const Op& op, size_t i = 0) {
  if (i >= op.outputs.size() || op.outputs[i] < 0) fail(op, "output " + std::to_string(i) + " is missing");
  return g.values[op.outputs[i]];
}

void set_shape(Graph& g, const Op& op, Shape s, DType dtype, size_t i = 0) {
  for (int64_t d : s)
    if (d < 0) fail(op, "computed a negative dimension (" + to_string(s) + ")");
  Value& v = out(g, op, i);
  checked_element_count(s, op.label() + ": output '" + v.name + "'");  // before anything is allocated
  v.shape = std::move(s);
  v.dtype = dtype;
  v.shape_known = true;
}

// Constant input as int64s (from either element type).
std::vector<int64_t> ints_of(const Graph& g, const Op& op, size_t i) {
  const Value& v = in(g, op, i);
  if (!v.is_const) fail(op, "input '" + v.name + "' must be known when the model is loaded");
  if (v.dtype == DType::I64) return v.i64;
  std::vector<int64_t> r;
  for (float f : v.f32) r.push_back(static_cast<int64_t>(f));
  return r;
}

int64_t norm_axis(const Op& op, int64_t axis, size_t rank) {
  const int64_t r = static_cast<int64_t>(rank);
  if (axis < -r || axis >= r) fail(op, "axis " + std::to_string(axis) + " out of range for rank " + std::to_string(rank));
  return axis < 0 ? axis + r : axis;
}

Shape broadcast(const Op& op, const Shape& a, const Shape& b) {
  Shape r(std::max(a.size(), b.size()));
  for (size_t i = 0; i < r.size(); ++i) {
    const int64_t da = i < r.size() - a.size() ? 1 : a[i - (r.size() - a.size())];
    const int64_t db = i < r.size() - b.size() ? 1 : b[i - (r.size() - b.size())];
    if (da != db && da != 1 && db != 1) fail(op, "cannot broadcast " + to_string(a) + " with " + to_string(b));
    r[i] = da == 1 ? db : da;
  }
  return r;
}

// Index into a broadcast input of shape `s` for a flat index of the output shape `o`.
size_t broadcast_index(size_t flat, const Shape& o, const Shape& s) {
  size_t idx = 0, stride = 1;
  for (size_t k = o.size(); k-- > 0;) {
    const size_t coord = flat % static_cast<size_t>(o[k]);
    flat /= static_cast<size_t>(o[k]);
    const size_t sk = k + s.size() >= o.size() ? k + s.size() - o.size() : SIZE_MAX;
    if (sk != SIZE_MAX) {
      if (s[sk] != 1) idx += coord * stride;
      stride *= static_cast<size_t>(s[sk]);
    }
  }
  return idx;
}

// ------------------------------------------------------------------ folding helpers
template <typename T, typename V>  // V: Value or const Value
auto& data(V& v) {
  if constexpr (std::is_same_v<T, float>) return v.f32;
  else return v.i64;
}

template <typename T>
void fold_binary(Graph& g, const Op& op, const std::function<T(T, T)>& f) {
  const Value& a = in(g, op, 0);
  const Value& b = in(g, op, 1);
  Value& o = out(g, op);
  const size_t n = element_count(o.shape);
  std::vector<T>& r = data<T>(o);
  r.resize(n);
  for (size_t i = 0; i < n; ++i)
    r[i] = f(data<T>(a)[broadcast_index(i, o.shape, a.shape)], data<T>(b)[broadcast_index(i, o.shape, b.shape)]);
  o.is_const = true;
}

// x + y, x - y or x * y (kind '+', '-', '*') in int64; fails on overflow.
int64_t checked(const Op& op, int64_t x, int64_t y, char kind) {
  int64_t r = 0;
  const bool overflow = kind == '+' ? __builtin_add_overflow(x, y, &r)
                        : kind == '-' ? __builtin_sub_overflow(x, y, &r) : __builtin_mul_overflow(x, y, &r);
  if (overflow) fail(op, "integer overflow in shape arithmetic");
  return r;
}

void fold_binary_op(Graph& g, const Op& op) {
  const bool ints = in(g, op, 0).dtype == DType::I64;
  const std::string& t = op.type;
  if (ints) {
    std::function<int64_t(int64_t, int64_t)> f;
    // Shape arithmetic in checked int64: a hostile model gets a message, not undefined behaviour.
    if (t == "Add") f = [&](int64_t x, int64_t y) { return checked(op, x, y, '+'); };
    else if (t == "Sub") f = [&](int64_t x, int64_t y) { return checked(op, x, y, '-'); };
    else if (t == "Mul") f = [&](int64_t x, int64_t y) { return checked(op, x, y, '*'); };
    else if (t == "Div") f = [&](int64_t x, int64_t y) {
      if (y == 0) fail(op, "division by zero");
      if (x == INT64_MIN && y == -1) fail(op, "integer overflow in shape arithmetic");
      return x / y;
    };
    else if (t == "Pow") f = [&](int64_t x, int64_t y) {
      if (y < 0) fail(op, "negative integer exponent");
      int64_t r = 1;
      for (int64_t k = 0; k < y && r != 0 && !(r == 1 && x == 1); ++k) r = checked(op, r, x, '*');
      return r;
    };
    else if (t == "Min") f = [](int64_t x, int64_t y) { return std::min(x, y); };
    else if (t == "Max") f = [](int64_t x, int64_t y) { return std::max(x, y); };
    else if (t == "Mod") f = [&](int64_t x, int64_t y) { if (y == 0) fail(op, "modulo by zero"); return y == -1 ? 0 : x % y; };
    else if (t == "Equal") f = [](int64_t x, int64_t y) { return int64_t(x == y); };
    else if (t == "Less") f = [](int64_t x, int64_t y) { return int64_t(x < y); };
    else if (t == "Greater") f = [](int64_t x, int64_t y) { return int64_t(x > y); };
    else return;
    fold_binary<int64_t>(g, op, f);
  } else {
    std::function<float(float, float)> f;
    if (t == "Add") f = std::plus<float>();
    else if (t == "Sub") f = std::minus<float>();
    else if (t == "Mul") f = std::multiplies<float>();
    else if (t == "Div") f = std::divides<float>();
    else if (t == "Pow") f = [](float x, float y) { return std::pow(x, y); };
    else if (t == "Min") f = [](float x, float y) { return std::min(x, y); };
    else if (t == "Max") f = [](float x, float y) { return std::max(x, y); };
    else return;
    fold_binary<float>(g, op, f);
  }
}

void fold_unary_f32(Graph& g, const Op& op) {
  static const std::unordered_map<std::string, float (*)(float)> fns = {
      {"Sqrt", [](float x) { return std::sqrt(x); }}, {"Erf", [](float x) { return std::erf(x); }},
      {"Relu", [](float x) { return std::max(x, 0.0f); }}, {"Neg", [](float x) { return -x; }},
      {"Sigmoid", [](float x) { return 1.0f / (1.0f + std::exp(-x)); }}, {"Tanh", [](float x) { return std::tanh(x); }},
      {"Floor", [](float x) { return std::floor(x); }}, {"Ceil", [](float x) { return std::ceil(x); }}};
  const Value& a = in(g, op, 0);
  Value& o = out(g, op);
  if (op.type == "Identity") { o.f32 = a.f32; o.i64 = a.i64; o.is_const = true; return; }
  auto it = fns.find(op.type);
  if (it == fns.end() || a.dtype != DType::F32) return;
  o.f32.resize(a.f32.size());
  std::transform(a.f32.begin(), a.f32.end(), o.f32.begin(), it->second);
  o.is_const = true;
}

// Copies element `src` of `a` to element `dst` of `o` (either dtype).
void copy_element(const Value& a, size_t src, Value& o, size_t dst) {
  if (a.dtype == DType::I64) o.i64[dst] = a.i64[src];
  else o.f32[dst] = a.f32[src];
}

void alloc(Value& o) {
  const size_t n = element_count(o.shape);
  if (o.dtype == DType::I64) o.i64.assign(n, 0);
  else o.f32.assign(n, 0.0f);
  o.is_const = true;
}

// ------------------------------------------------------------------ per-op inference
Shape conv_output(const Graph& g, const Op& op, bool transposed) {
  const Shape& x = in(g, op, 0).shape;
  const Shape& w = in(g, op, 1).shape;
  if (x.size() != 4 || w.size() != 4) fail(op, "only 2-D convolutions (4-D tensors) are supported, got " + to_string(x));
  const int64_t group = op.attr_int("group", 1);
  auto strides = op.attr_ints("strides"), dil = op.attr_ints("dilations"), pads = op.attr_ints("pads");
  if (strides.empty()) strides = {1, 1};
  if (dil.empty()) dil = {1, 1};
  if (pads.empty()) pads = {0, 0, 0, 0};
  const std::string auto_pad = op.attr_string("auto_pad", "NOTSET");
  const auto out_pad = op.attr_ints("output_padding");
  // Attributes from the file are checked before any arithmetic uses them (fuzzing found reads past
  // short arrays).
  auto in_range = [](const std::vector<int64_t>& v, int64_t lo) {
    return std::all_of(v.begin(), v.end(), [&](int64_t a) { return a >= lo && a <= (int64_t(1) << 20); });
  };
  if (strides.size() != 2 || dil.size() != 2 || pads.size() != 4 || !(out_pad.empty() || out_pad.size() == 2) ||
      !in_range(strides, 1) || !in_range(dil, 1) || !in_range(pads, 0) || !in_range(out_pad, 0) || !in_range(w, 1) ||
      group < 1 || group > (int64_t(1) << 20))
    fail(op, "invalid strides, dilations, pads, output_padding, group or kernel size");
  Shape o = {x[0], transposed ? w[1] * group : w[0], 0, 0};
  if (!transposed && x[1] != w[1] * group) fail(op, "input has " + std::to_string(x[1]) + " channels, weights expect " + std::to_string(w[1] * group));
  if (transposed && x[1] != w[0]) fail(op, "input has " + std::to_string(x[1]) + " channels, weights expect " + std::to_string(w[0]));
  // A patch embedding (kernel == stride, no padding: ViTs such as Depth Anything) needs sides that
  // are whole multiples of the patch; say so instead of failing later in a reshape.
  if (!transposed && strides[0] == w[2] && strides[1] == w[3] && w[2] > 1 && pads == std::vector<int64_t>{0, 0, 0, 0} &&
      (x[2] % w[2] != 0 || x[3] % w[3] != 0))
    fail(op, "the input size " + std::to_string(x[2]) + "x" + std::to_string(x[3]) + " is not a multiple of the patch size " +
                 std::to_string(w[2]) + " (this model needs height and width that are multiples of " + std::to_string(w[2]) + ")");
  for (int k = 0; k < 2; ++k) {
    const int64_t kernel = (w[2 + k] - 1) * dil[k] + 1;
    if (transposed) {
      o[2 + k] = strides[k] * (x[2 + k] - 1) + (out_pad.empty() ? 0 : out_pad[k]) + kernel - pads[k] - pads[k + 2];
    } else if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      o[2 + k] = (x[2 + k] + strides[k] - 1) / strides[k];
    } else {
      const int64_t p = auto_pad == "VALID" ? 0 : pads[k] + pads[k + 2];
      o[2 + k] = (x[2 + k] + p - kernel) / strides[k] + 1;
    }
  }
  return o;
}

// The Resize input that gives the output size: sizes (opset >= 11, when present and not empty),
// else scales.
bool resize_uses_sizes(const Graph& g, const Op& op) {
  return g.opset >= 11 && op.input(3) >= 0 && !in(g, op, 3).shape.empty() && element_count(in(g, op, 3).shape) > 0;
}
size_t resize_scales_input(const Graph& g) { return g.opset >= 11 ? 2 : 1; }  // (X, scales) before opset 11

Shape resize_output(const Graph& g, const Op& op) {
  const Shape& x = in(g, op, 0).shape;
  Shape o = x;
  if (resize_uses_sizes(g, op)) {
    const auto sizes = ints_of(g, op, 3);
    if (sizes.size() != x.size()) fail(op, "sizes has " + std::to_string(sizes.size()) + " values for a rank-" + std::to_string(x.size()) + " input");
    for (int64_t d : sizes)
      if (d < 0 || d > int64_t(kMaxTensorElements)) fail(op, "invalid size " + std::to_string(d));
    return Shape(sizes.begin(), sizes.end());
  }
  const Value& s = in(g, op, resize_scales_input(g));
  if (!s.is_const || s.dtype != DType::F32 || s.f32.size() != x.size()) fail(op, "needs constant float scales, one per dimension");
  for (size_t i = 0; i < x.size(); ++i) {
    const double size = std::floor(static_cast<double>(x[i]) * s.f32[i]);
    if (!(size >= 0.0 && size <= double(kMaxTensorElements))) fail(op, "scale " + std::to_string(s.f32[i]) + " gives an invalid size");
    o[i] = static_cast<int64_t>(size);
  }
  return o;
}

// A Resize of a constant (position embeddings resized to the patch grid) folds to a constant.
void infer_resize(Graph& g, const Op& op) {
  set_shape(g, op, resize_output(g, op), DType::F32);
  const Value& x = in(g, op, 0);
  if (!x.is_const) return;
  if (x.dtype != DType::F32) fail(op, "resizing integer tensors is not supported");
  // Position embeddings are small; a hostile model must not make the load compute gigabytes.
  constexpr size_t kMaxFoldedResize = size_t(1) << 24;
  if (element_count(out(g, op).shape) > kMaxFoldedResize)
    fail(op, "resizing a constant to " + to_string(out(g, op).shape) + " is more than the limit of 2^24 elements");
  const std::vector<float> scales = resize_uses_sizes(g, op) ? std::vector<float>{} : in(g, op, resize_scales_input(g)).f32;
  Value& o = out(g, op);
  const std::string why = fold_resize(x, o.shape, scales, op, o);
  if (!why.empty()) fail(op, why);
}

void infer_reshape(Graph& g, const Op& op) {
  const Value& x = in(g, op, 0);
  const auto target = ints_of(g, op, 1);
  Shape o(target.size());
  int64_t known = 1, infer_at = -1;
  for (size_t i = 0; i < target.size(); ++i) {
    o[i] = target[i] == 0 && !op.attr_int("allowzero", 0) ? x.shape.at(i) : target[i];
    if (o[i] == -1) { if (infer_at >= 0) fail(op, "more than one -1 in the target shape"); infer_at = int64_t(i); }
    else if (o[i] < 0 || o[i] > int64_t(kMaxTensorElements)) fail(op, "invalid target dimension " + std::to_string(o[i]));
    else if (known <= int64_t(kMaxTensorElements)) known *= o[i];  // both <= 2^30: no overflow
  }
  if (known > int64_t(kMaxTensorElements)) fail(op, "the target shape has more than 2^30 elements");
  const auto total = static_cast<int64_t>(element_count(x.shape));
  if (infer_at >= 0) o[infer_at] = known ? total / known : 0;
  if (static_cast<int64_t>(element_count(o)) != total) fail(op, "cannot reshape " + to_string(x.shape) + " to " + to_string(o));
  set_shape(g, op, o, x.dtype);
  if (x.is_const) { Value& r = out(g, op); r.f32 = x.f32; r.i64 = x.i64; r.is_const = true; }
}

void infer_transpose(Graph& g, const Op& op) {
  const Value& x = in(g, op, 0);
  auto perm = op.attr_ints("perm");
  if (perm.empty()) for (size_t i = x.shape.size(); i-- > 0;) perm.push_back(int64_t(i));
  if (perm.size() != x.shape.size()) fail(op, "perm does not match the input rank");
  Shape o;
  for (int64_t p : perm) o.push_back(x.shape.at(static_cast<size_t>(norm_axis(op, p, x.shape.size()))));
  set_shape(g, op, o, x.dtype);
  if (!x.is_const) return;
  Value& r = out(g, op);
  alloc(r);
  const size_t n = element_count(o);
  for (size_t i = 0; i < n; ++i) {  // i indexes the output; find the matching input index
    size_t rem = i, src = 0;
    std::vector<size_t> coord(o.size());
    for (size_t k = o.size(); k-- > 0;) { coord[k] = rem % size_t(o[k]); rem /= size_t(o[k]); }
    std::vector<size_t> in_coord(o.size());
    for (size_t k = 0; k < o.size(); ++k) in_coord[size_t(perm[k])] = coord[k];
    for (size_t k = 0; k < o.size(); ++k) src = src * size_t(x.shape[k]) + in_coord[k];
    copy_element(x, src, r, i);
  }
}

void infer_concat(Graph& g, const Op& op) {
  const Value& first = in(g, op, 0);
  const auto axis = static_cast<size_t>(norm_axis(op, op.attr_int("axis", 0), first.shape.size()));
  Shape o = first.shape;
  o[axis] = 0;
  bool all_const = true;
  for (size_t i = 0; i < op.inputs.size(); ++i) {
    const Value& v = in(g, op, i);
    if (v.shape.size() != o.size()) fail(op, "inputs have different ranks");
    for (size_t k = 0; k < o.size(); ++k)
      if (k != axis && v.shape[k] != first.shape[k]) fail(op, "inputs " + to_string(first.shape) + " and " + to_string(v.shape) + " differ outside the axis");
    o[axis] += v.shape[axis];
    all_const = all_const && v.is_const;
  }
  set_shape(g, op, o, first.dtype);
  if (!all_const) return;
  Value& r = out(g, op);
  alloc(r);
  const size_t outer = element_count(Shape(o.begin(), o.begin() + int64_t(axis)));
  const size_t inner = element_count(Shape(o.begin() + int64_t(axis) + 1, o.end()));
  size_t offset = 0;
  for (size_t i = 0; i < op.inputs.size(); ++i) {
    const Value& v = in(g, op, i);
    const size_t block = size_t(v.shape[axis]) * inner;
    for (size_t b = 0; b < outer; ++b)
      for (size_t e = 0; e < block; ++e) copy_element(v, b * block + e, r, b * size_t(o[axis]) * inner + offset + e);
    offset += block;
  }
}

void infer_gather(Graph& g, const Op& op) {
  const Value& x = in(g, op, 0);
  const Value& idx = in(g, op, 1);
  const auto axis = static_cast<size_t>(norm_axis(op, op.attr_int("axis", 0), x.shape.size()));
  Shape o(x.shape.begin(), x.shape.begin() + int64_t(axis));
  o.insert(o.end(), idx.shape.begin(), idx.shape.end());
  o.insert(o.end(), x.shape.begin() + int64_t(axis) + 1, x.shape.end());
  set_shape(g, op, o, x.dtype);
  if (!x.is_const || !idx.is_const) fail(op, "gathering from computed tensors is not supported");
  Value& r = out(g, op);
  alloc(r);
  const auto indices = ints_of(g, op, 1);
  const size_t outer = element_count(Shape(x.shape.begin(), x.shape.begin() + int64_t(axis)));
  const size_t inner = element_count(Shape(x.shape.begin() + int64_t(axis) + 1, x.shape.end()));
  const auto n = static_cast<int64_t>(x.shape[axis]);
  size_t dst = 0;
  for (size_t b = 0; b < outer; ++b)
    for (int64_t i : indices) {
      if (i < -n || i >= n) fail(op, "index " + std::to_string(i) + " out of range");
      const size_t src = (b * size_t(n) + size_t(i < 0 ? i + n : i)) * inner;
      for (size_t e = 0; e < inner; ++e) copy_element(x, src + e, r, dst++);
    }
}

void infer_slice(Graph& g, const Op& op) {
  const Value& x = in(g, op, 0);
  const auto starts = ints_of(g, op, 1), ends = ints_of(g, op, 2);
  std::vector<int64_t> axes = op.input(3) >= 0 ? ints_of(g, op, 3) : std::vector<int64_t>{};
  std::vector<int64_t> steps = op.input(4) >= 0 ? ints_of(g, op, 4) : std::vector<int64_t>{};
  if (axes.empty()) for (size_t i = 0; i < starts.size(); ++i) axes.push_back(int64_t(i));
  if (steps.empty()) steps.assign(starts.size(), 1);
  const size_t rank = x.shape.size();
  std::vector<int64_t> begin(rank, 0), step(rank, 1);
  Shape o = x.shape;
  for (size_t i = 0; i < starts.size(); ++i) {
    const auto a = static_cast<size_t>(norm_axis(op, axes.at(i), rank));
    const int64_t dim = x.shape[a], s = steps.at(i);
    if (s == 0) fail(op, "step 0");
    auto clampi = [&](int64_t v, int64_t lo, int64_t hi) { if (v < 0) v += dim; return std::clamp(v, lo, hi); };
    const int64_t b = s > 0 ? clampi(starts[i], 0, dim) : clampi(starts[i], -1, dim - 1);
    const int64_t e = s > 0 ? clampi(ends[i], 0, dim) : clampi(ends[i], -1, dim - 1);
    begin[a] = b;
    step[a] = s;
    o[a] = std::max<int64_t>(0, s > 0 ? (e - b + s - 1) / s : (b - e - s - 1) / -s);
  }
  set_shape(g, op, o, x.dtype);
  if (!x.is_const) return;
  Value& r = out(g, op);
  alloc(r);
  const size_t n = element_count(o);
  for (size_t i = 0; i < n; ++i) {
    size_t rem = i, src = 0, stride = 1;
    for (size_t k = rank; k-- > 0;) {
      const int64_t c = int64_t(rem % size_t(o[k]));
      rem /= size_t(o[k]);
      src += size_t(begin[k] + c * step[k]) * stride;
      stride *= size_t(x.shape[k]);
    }
    copy_element(x, src, r, i);
  }
}

void infer_squeeze_unsqueeze(Graph& g, const Op& op, bool squeeze) {
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
    for (size_t k = 0; k < rank; ++k)
      o.push_back(std::find(axes.begin(), axes.end(), int64_t(k)) != axes.end() ? 1 : x.shape.at(next++));
  }
  set_shape(g, op, o, x.dtype);
  if (x.is_const) { Value& r = out(g, op); r.f32 = x.f32; r.i64 = x.i64; r.is_const = true; }
}

void infer_expand(Graph& g, const Op& op) {
  const Value& x = in(g, op, 0);
  const auto target = ints_of(g, op, 1);
  const Shape o = broadcast(op, x.shape, Shape(target.begin(), target.end()));
  set_shape(g, op, o, x.dtype);
  if (!x.is_const) return;
  Value& r = out(g, op);
  alloc(r);
  for (size_t i = 0; i < element_count(o); ++i) copy_element(x, broadcast_index(i, o, x.shape), r, i);
}

void infer_matmul(Graph& g, const Op& op) {
  const Shape& a = in(g, op, 0).shape;
  const Shape& b = in(g, op, 1).shape;
  if (a.size() < 2 || b.size() < 2) fail(op, "1-D MatMul operands are not supported");
  if (a.back() != b[b.size() - 2]) fail(op, "inner dimensions differ: " + to_string(a) + " x " + to_string(b));
  Shape o = broadcast(op, Shape(a.begin(), a.end() - 2), Shape(b.begin(), b.end() - 2));
  o.push_back(a[a.size() - 2]);
  o.push_back(b.back());
  set_shape(g, op, o, DType::F32);
}

void infer_op(Graph& g, Op& op) {
  const std::string& t = op.type;
  static const char* kUnary[] = {"Relu", "Clip", "LeakyRelu", "Sigmoid", "Tanh", "Erf", "Sqrt", "Neg", "Identity",
                                 "Softmax", "LayerNormalization", "Floor", "Ceil", "HardSwish", "Elu", "Gelu"};
  static const char* kBinary[] = {"Add", "Sub", "Mul", "Div", "Pow", "Min", "Max", "Mod", "Equal", "Less", "Greater"};
  if (std::find(std::begin(kUnary), std::end(kUnary), t) != std::end(kUnary)) {
    const Value& x = in(g, op, 0);
    set_shape(g, op, x.shape, x.dtype);
    if (x.is_const) fold_unary_f32(g, op);
  } else if (std::find(std::begin(kBinary), std::end(kBinary), t) != std::end(kBinary)) {
    const Value& a = in(g, op, 0);
    const Value& b = in(g, op, 1);
    const bool compare = t == "Equal" || t == "Less" || t == "Greater";
    if (a.dtype != b.dtype) fail(op, "operands have different element types");
    set_shape(g, op, broadcast(op, a.shape, b.shape), compare ? DType::I64 : a.dtype);
    if (a.is_const && b.is_const) fold_binary_op(g, op);
  } else if (t == "Conv" || t == "ConvTranspose") {
    set_shape(g, op, conv_output(g, op, t == "ConvTranspose"), DType::F32);
  } else if (t == "Resize") {
    infer_resize(g, op);
  } else if (t == "MatMul") {
    infer_matmul(g, op);
  } else if (t == "Shape") {
    const Value& x = in(g, op, 0);  // opset 15: optional start/end select a range of dims
    const auto rank = int64_t(x.shape.size());
    auto clamp_dim = [&](int64_t d) { return std::clamp(d < 0 ? d + rank : d, int64_t(0), rank); };
    const int64_t begin = clamp_dim(op.attr_int("start", 0)), end = clamp_dim(op.attr_int("end", rank));
    const Shape dims(x.shape.begin() + begin, x.shape.begin() + std::max(begin, end));
    set_shape(g, op, {int64_t(dims.size())}, DType::I64);
    Value& r = out(g, op);
    r.i64.assign(dims.begin(), dims.end());
    r.is_const = true;
  } else if (t == "Cast") {
    const Value& x = in(g, op, 0);
    const auto to = static_cast<onnx::DataType>(op.attr_int("to", 1));
    const DType d = to == onnx::DataType::Float || to == onnx::DataType::Float16 || to == onnx::DataType::Double ? DType::F32 : DType::I64;
    set_shape(g, op, x.shape, d);
    if (x.is_const) {
      Value& r = out(g, op);
      if (d == DType::F32) { r.f32 = x.f32; for (int64_t v : x.i64) r.f32.push_back(float(v)); }
      else { r.i64 = x.i64; for (float v : x.f32) r.i64.push_back(int64_t(v)); }
      r.is_const = true;
    }
  } else if (t == "Reshape") {
    infer_reshape(g, op);
  } else if (t == "Transpose") {
    infer_transpose(g, op);
  } else if (t == "Concat") {
    infer_concat(g, op);
  } else if (t == "Gather") {
    infer_gather(g, op);
  } else if (t == "Slice") {
    infer_slice(g, op);
  } else if (t == "Squeeze" || t == "Unsqueeze") {
    infer_squeeze_unsqueeze(g, op, t == "Squeeze");
  } else if (t == "Expand") {
    infer_expand(g, op);
  } else {
    throw ModelError("unsupported operator '" + t + "' (node '" + op.name + "')");
  }
  bool all_const = true;
  for (int o : op.outputs) all_const = all_const && (o < 0 || g.values[o].is_const);
  op.folded = all_const;
}

}  // namespace

void infer_shapes(Graph& g, const std::vector<Shape>& input_shapes) {
  if (input_shapes.size() != g.inputs.size())
    throw ModelError("the model has " + std::to_string(g.inputs.size()) + " inputs, " + std::to_string(input_shapes.size()) + " shapes given");
  for (Value& v : g.values) {
    if (v.initializer) continue;
    v.shape_known = v.is_const = false;
    v.f32.clear();
    v.i64.clear();
  }
  for (size_t i = 0; i < g.inputs.size(); ++i) {
    Value& v = g.values[g.inputs[i]];
    v.shape = input_shapes[i];
    v.shape_known = true;
  }
  uint64_t activation_bytes = 0;
  for (const int id : g.inputs) activation_bytes += 4 * checked_element_count(g.values[id].shape, "input '" + g.values[id].name + "'");
  for (Op& op : g.ops) {
    if (op.type == "Constant" || op.removed) continue;  // folded at import
    infer_op(g, op);
    for (const int id : op.outputs) {
      if (id < 0) continue;
      const Value& v = g.values[id];
      if (!v.is_const) activation_bytes += 4 * uint64_t(element_count(v.shape));
    }
  }
  if (activation_bytes > kActivationBudgetBytes)
    throw ModelError("this input size needs " + std::to_string(activation_bytes >> 20) + " MiB of activations, more than the budget of " +
                     std::to_string(kActivationBudgetBytes >> 20) + " MiB: use a smaller input");
}

}  // namespace dv::ir
