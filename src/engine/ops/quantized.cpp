#include "engine/ops/quantized.h"

#include <algorithm>
#include <memory>

namespace dv::ops {

const Value& constant_input(const Graph& g, const Op& op, size_t i, const std::string& what) {
  if (op.input(i) < 0) fail(op, "the " + what + " input is missing");
  const Value& v = g.values[size_t(op.input(i))];
  if (!v.initializer) unsupported(op, "the " + what + " ('" + v.name + "') must be a constant of the file");
  return v;
}

std::vector<int32_t> codes_of(const Value& v) {
  std::vector<int32_t> codes(v.bytes.size());
  for (size_t i = 0; i < codes.size(); ++i)
    codes[i] = v.dtype == DType::I8 ? int32_t(int8_t(v.bytes[i])) : int32_t(v.bytes[i]);
  return codes;
}

std::vector<int32_t> zero_points(const Graph& g, const Op& op, size_t i, const Value& data, size_t channels) {
  if (op.input(i) < 0) return std::vector<int32_t>(channels, 0);
  const Value& zp = constant_input(g, op, i, "zero point");
  if (zp.dtype != data.dtype)
    fail(op, "the zero point '" + zp.name + "' must have the element type of '" + data.name + "' (8-bit " +
                 (data.dtype == DType::I8 ? "signed" : "unsigned") + ")");
  std::vector<int32_t> r = per_channel(codes_of(zp), channels);
  if (r.empty()) fail(op, "the zero point '" + zp.name + "' needs 1 or " + std::to_string(channels) + " values");
  return r;
}

std::vector<float> scales(const Graph& g, const Op& op, size_t i, size_t channels, const std::string& what) {
  const Value& s = constant_input(g, op, i, what);
  if (s.dtype != DType::F32) fail(op, "the " + what + " '" + s.name + "' must be float");
  std::vector<float> r = per_channel(s.f32, channels);
  if (r.empty()) fail(op, "the " + what + " '" + s.name + "' needs 1 or " + std::to_string(channels) + " values");
  return r;
}

namespace {

// Rows x cols values in the ONNX layout.
template <typename T>
std::vector<T> to_onnx_layout(WeightLayout layout, size_t rows, size_t cols, const std::vector<T>& m) {
  if (layout == WeightLayout::rows) return m;
  std::vector<T> t(m.size());
  for (size_t r = 0; r < rows; ++r)
    for (size_t c = 0; c < cols; ++c) t[c * rows + r] = m[r * cols + c];
  return t;
}

int add_float_weight(Graph& g, const std::string& name, const Shape& shape, WeightLayout layout, size_t rows,
                     size_t cols, const std::vector<float>& matrix) {
  const int v = ir::add_constant(g, name, shape, DType::F32);
  g.values[size_t(v)].f32 = to_onnx_layout(layout, rows, cols, matrix);
  return v;
}

int add_int8_weight(Graph& g, const std::string& name, const Shape& shape, ir::Int8Weights w) {
  const int v = ir::add_constant(g, name, shape, DType::F32);
  g.values[size_t(v)].int8 = std::make_shared<const ir::Int8Weights>(std::move(w));
  return v;
}

}  // namespace

int weight_from_codes(Graph& g, const std::string& name, const Shape& shape, WeightLayout layout, size_t rows,
                      size_t cols, const std::vector<int32_t>& codes, const std::vector<float>& row_scale, bool int8) {
  if (int8) return add_int8_weight(g, name, shape, ir::make_int8_weights(rows, cols, codes, row_scale));
  std::vector<float> m(codes.size());
  for (size_t i = 0; i < m.size(); ++i) m[i] = float(codes[i]) * row_scale[i / cols];
  return add_float_weight(g, name, shape, layout, rows, cols, m);
}

int weight_from_floats(Graph& g, const std::string& name, const Shape& shape, WeightLayout layout, size_t rows,
                       size_t cols, const std::vector<float>& matrix, bool int8) {
  if (int8) return add_int8_weight(g, name, shape, ir::quantize_rows(rows, cols, matrix));
  return add_float_weight(g, name, shape, layout, rows, cols, matrix);
}

std::vector<int> readers_of(const Graph& g, int v) {
  std::vector<int> r;
  for (size_t i = 0; i < g.ops.size(); ++i)
    if (!g.ops[i].removed && std::find(g.ops[i].inputs.begin(), g.ops[i].inputs.end(), v) != g.ops[i].inputs.end())
      r.push_back(int(i));
  return r;
}

int sole_reader(const Graph& g, int v) {
  if (v < 0 || g.values[size_t(v)].consumers != 1) return -1;
  const std::vector<int> r = readers_of(g, v);
  return r.size() == 1 ? r[0] : -1;
}

}  // namespace dv::ops
