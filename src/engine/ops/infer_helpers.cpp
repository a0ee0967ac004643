#include "engine/ops/infer_helpers.h"

#include <algorithm>

namespace dv::ops {

void fail(const Op& op, const std::string& why) { throw onnx::ModelError(op.label() + ": " + why); }
void unsupported(const Op& op, const std::string& why) { throw onnx::UnsupportedError(op.label() + ": " + why); }

const Value& in(const Graph& g, const Op& op, size_t i) {
  const int v = op.input(i);
  if (v < 0) fail(op, "input " + std::to_string(i) + " is missing");
  return g.values[size_t(v)];
}

Value& out(Graph& g, const Op& op, size_t i) {
  if (i >= op.outputs.size() || op.outputs[i] < 0) fail(op, "output " + std::to_string(i) + " is missing");
  return g.values[size_t(op.outputs[i])];
}

void set_shape(Graph& g, const Op& op, Shape s, DType dtype, size_t i) {
  for (int64_t d : s)
    if (d < 0) fail(op, "computed a negative dimension (" + ir::to_string(s) + ")");
  Value& v = out(g, op, i);
  ir::checked_element_count(s, op.label() + ": output '" + v.name + "'");
  v.shape = std::move(s);
  v.dtype = dtype;
  v.shape_known = true;
}

std::vector<int64_t> ints_of(const Graph& g, const Op& op, size_t i) {
  const Value& v = in(g, op, i);
  if (!v.is_const) fail(op, "input '" + v.name + "' must be known when the model is loaded");
  if (v.dtype == DType::I64) return v.i64;
  std::vector<int64_t> r;
  for (float f : v.f32) r.push_back(static_cast<int64_t>(f));
  return r;
}

int64_t norm_axis(const Op& op, int64_t axis, size_t rank) {
  const auto r = static_cast<int64_t>(rank);
  if (axis < -r || axis >= r)
    fail(op, "axis " + std::to_string(axis) + " out of range for rank " + std::to_string(rank));
  return axis < 0 ? axis + r : axis;
}

Shape broadcast(const Op& op, const Shape& a, const Shape& b) {
  Shape r(std::max(a.size(), b.size()));
  for (size_t i = 0; i < r.size(); ++i) {
    const int64_t da = i < r.size() - a.size() ? 1 : a[i - (r.size() - a.size())];
    const int64_t db = i < r.size() - b.size() ? 1 : b[i - (r.size() - b.size())];
    if (da != db && da != 1 && db != 1) fail(op, "cannot broadcast " + ir::to_string(a) + " with " + ir::to_string(b));
    r[i] = da == 1 ? db : da;
  }
  return r;
}

size_t broadcast_index(size_t flat, const Shape& o, const Shape& s) {
  size_t idx = 0, stride = 1;
  for (size_t k = o.size(); k-- > 0;) {
    const size_t coord = flat % static_cast<size_t>(o[k]);
    flat /= static_cast<size_t>(o[k]);
    if (k + s.size() < o.size()) continue;
    const size_t sk = k + s.size() - o.size();
    if (s[sk] != 1) idx += coord * stride;
    stride *= static_cast<size_t>(s[sk]);
  }
  return idx;
}

void copy_element(const Value& a, size_t src, Value& o, size_t dst) {
  if (a.dtype == DType::I64) o.i64[dst] = a.i64[src];
  else o.f32[dst] = a.f32[src];
}

void check_folded_size(const Op& op, size_t n) {
  if (n > ir::kMaxFoldedElements)
    fail(op, "computing a constant of " + std::to_string(n) + " values at load time is more than the limit of 2^23");
}

void alloc(const Op& op, Value& o) {
  const size_t n = ir::element_count(o.shape);
  check_folded_size(op, n);
  if (o.dtype == DType::I64) o.i64.assign(n, 0);
  else o.f32.assign(n, 0.0f);
  o.is_const = true;
}

void forward_constant(Graph& g, const Op& op) {
  const Value& x = in(g, op, 0);
  if (!x.is_const) return;
  Value& r = out(g, op);
  r.f32 = x.f32;
  r.i64 = x.i64;
  r.is_const = true;
}

void same_shape_as_input(Graph& g, const Op& op) {
  const Value& x = in(g, op, 0);
  set_shape(g, op, x.shape, x.dtype);
}

}  // namespace dv::ops
