#include "engine/ir/graph.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <unordered_map>

#include <fp16/fp16.h>

#include "engine/ops/registry.h"

namespace dv::ir {

using onnx::DataType;
using onnx::ModelError;

std::string to_string(const Shape& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i > 0) out += 'x';
    out += std::to_string(s[i]);
  }
  return out.empty() ? "scalar" : out;
}

size_t element_count(const Shape& s) {
  size_t n = 1;
  for (int64_t d : s) n *= static_cast<size_t>(d);
  return n;
}

bool is_8bit(DType t) { return t == DType::I8 || t == DType::U8; }

namespace {

Int8Weights sized_int8_weights(size_t rows, size_t cols) {
  Int8Weights w;
  w.rows = rows;
  w.cols = cols;
  w.data.resize(rows * cols);
  w.scale.assign(rows + Int8Weights::kScalePadding, 1.0f);
  return w;
}

}  // namespace

Int8Weights make_int8_weights(size_t rows, size_t cols, const std::vector<int32_t>& codes,
                              const std::vector<float>& row_scale) {
  Int8Weights w = sized_int8_weights(rows, cols);
  for (size_t r = 0; r < rows; ++r) {
    const int32_t* row = codes.data() + r * cols;
    int32_t lo = 0, hi = 0;
    for (size_t c = 0; c < cols; ++c) {
      lo = std::min(lo, row[c]);
      hi = std::max(hi, row[c]);
    }
    const int32_t largest = std::max(hi, -lo);
    const bool fits = lo >= -128 && hi <= 127;
    const float step = fits ? 1.0f : float(largest) / 127.0f;
    w.scale[r] = row_scale[r] * step;
    for (size_t c = 0; c < cols; ++c)
      w.data[r * cols + c] = int8_t(fits ? row[c] : std::lrint(float(row[c]) / step));
  }
  return w;
}

Int8Weights quantize_rows(size_t rows, size_t cols, const std::vector<float>& matrix) {
  Int8Weights w = sized_int8_weights(rows, cols);
  for (size_t r = 0; r < rows; ++r) {
    const float* row = matrix.data() + r * cols;
    float max_abs = 0.0f;
    for (size_t c = 0; c < cols; ++c) max_abs = std::max(max_abs, std::fabs(row[c]));
    const float scale = max_abs > 0.0f ? max_abs / 127.0f : 1.0f;
    w.scale[r] = scale;
    for (size_t c = 0; c < cols; ++c) w.data[r * cols + c] = int8_t(std::lrint(row[c] / scale));
  }
  return w;
}

size_t checked_element_count(const Shape& s, const std::string& what) {
  if (s.size() > kMaxRank)
    throw ModelError(what + " has rank " + std::to_string(s.size()) + ", more than " + std::to_string(kMaxRank));
  size_t n = 1;
  for (int64_t d : s) {
    if (d < 0) throw ModelError(what + " has a negative dimension (" + to_string(s) + ")");
    if (d > 0 && n > kMaxTensorElements / static_cast<size_t>(d))
      throw ModelError(what + " would have " + to_string(s) + " elements, more than the limit of 2^30");
    n *= static_cast<size_t>(d);
  }
  return n;
}

const onnx::Attribute* Op::attribute(const char* attr) const {
  for (const onnx::Attribute& a : attributes)
    if (a.name == attr) return &a;
  return node ? node->attribute(attr) : nullptr;
}
int64_t Op::attr_int(const char* attr, int64_t fallback) const {
  const auto* a = attribute(attr);
  return a ? a->i : fallback;
}
float Op::attr_float(const char* attr, float fallback) const {
  const auto* a = attribute(attr);
  return a ? a->f : fallback;
}
std::string Op::attr_string(const char* attr, const std::string& fallback) const {
  const auto* a = attribute(attr);
  return a ? a->s : fallback;
}
std::vector<int64_t> Op::attr_ints(const char* attr) const {
  const auto* a = attribute(attr);
  return a ? a->ints : std::vector<int64_t>{};
}
bool Op::has_attr(const char* attr) const { return attribute(attr) != nullptr; }
std::string Op::label() const { return type + " node '" + name + "'"; }

int Graph::find(const std::string& name) const {
  for (size_t i = 0; i < values.size(); ++i)
    if (values[i].name == name) return static_cast<int>(i);
  return -1;
}

namespace {

template <typename T>
std::vector<T> read_le(const onnx::Tensor& t) {
  std::vector<T> v(t.raw.size() / sizeof(T));
  if (!v.empty()) std::memcpy(v.data(), t.raw.data(), v.size() * sizeof(T));
  return v;
}

// Fills `v` with the tensor's data converted to f32 or i64.
void set_constant(Value& v, const onnx::Tensor& t) {
  const size_t n = checked_element_count(t.dims, "tensor '" + t.name + "'");
  const size_t size = onnx::element_size(t.type);
  if (size == 0)
    throw onnx::UnsupportedError("tensor '" + t.name + "' has unsupported element type " + onnx::to_string(t.type));
  if (t.external) throw ModelError("the external data of tensor '" + t.name + "' was not loaded");
  if (t.raw.size() != n * size)
    throw ModelError("tensor '" + t.name + "' holds " + std::to_string(t.raw.size()) + " bytes, its shape needs " +
                     std::to_string(n * size));
  v.shape = t.dims;
  v.shape_known = v.is_const = v.initializer = true;
  auto to_i64 = [&](auto values) {
    v.i64.assign(values.begin(), values.end());
    v.dtype = DType::I64;
  };
  switch (t.type) {
    case DataType::Float: v.f32 = read_le<float>(t); break;
    case DataType::Double: {
      auto d = read_le<double>(t);
      v.f32.assign(d.begin(), d.end());
      break;
    }
    case DataType::Float16:  // converted in place: no second copy of the halves
      v.f32.resize(n);
      for (size_t i = 0; i < n; ++i) {
        uint16_t h = 0;
        std::memcpy(&h, t.raw.data() + 2 * i, 2);
        v.f32[i] = fp16_ieee_to_fp32_value(h);
      }
      break;
    case DataType::Int64: to_i64(read_le<int64_t>(t)); break;
    case DataType::Int32: to_i64(read_le<int32_t>(t)); break;
    case DataType::Int16: to_i64(read_le<int16_t>(t)); break;
    case DataType::Int8:
    case DataType::Uint8:
      v.bytes = read_le<uint8_t>(t);
      v.dtype = t.type == DataType::Int8 ? DType::I8 : DType::U8;
      break;
    case DataType::Bool: to_i64(read_le<uint8_t>(t)); break;
    default:
      throw onnx::UnsupportedError("tensor '" + t.name + "' has unsupported element type " + onnx::to_string(t.type));
  }
  if (v.dtype == DType::F32) {
    for (float f : v.f32)
      if (!std::isfinite(f)) throw ModelError("weights of '" + t.name + "' contain NaN or Inf values");
  }
}

// Constant nodes become constant values at import (their tensors point into the file bytes).
void fold_constant_node(Graph& g, Op& op) {
  if (op.outputs.size() != 1 || op.outputs[0] < 0) throw ModelError(op.label() + " must have one output");
  Value& out = g.values[op.outputs[0]];
  const onnx::Attribute* a = nullptr;
  for (const char* name : {"value", "value_float", "value_floats", "value_int", "value_ints"})
    if ((a = op.node->attribute(name)) != nullptr) break;
  if (a == nullptr) throw ModelError(op.label() + " has no supported value attribute");
  if (a->t) {
    set_constant(out, *a->t);
  } else {
    out.shape_known = out.is_const = out.initializer = true;
    if (a->name == "value_float") out.f32 = {a->f};
    else if (a->name == "value_floats") {
      out.f32 = a->floats;
      out.shape = {int64_t(a->floats.size())};
    } else if (a->name == "value_int") {
      out.i64 = {a->i};
      out.dtype = DType::I64;
    } else {
      out.i64 = a->ints;
      out.dtype = DType::I64;
      out.shape = {int64_t(a->ints.size())};
    }
  }
  op.folded = true;
}

// An op computes on activations when one of its inputs depends on a graph input through ops that
// read more than its shape; the same at every input size, so known before shapes are.
void mark_computed(Graph& g) {
  std::vector<bool> computed(g.values.size(), false);
  for (int v : g.inputs) computed[size_t(v)] = true;
  for (Op& op : g.ops) {
    const ops::OpDef* def = ops::find(op.type);
    op.computed = !op.removed && op.type != "Constant" && !(def && def->shape_only) &&
                  std::any_of(op.inputs.begin(), op.inputs.end(), [&](int v) { return v >= 0 && computed[size_t(v)]; });
    for (int v : op.outputs)
      if (v >= 0) computed[size_t(v)] = op.computed;
  }
}

// The file bytes are gone after import: no tensor may still point into them.
void drop_file_bytes(Graph& g) {
  for (onnx::Tensor& t : g.model.graph.initializers) t.raw = {};
  for (onnx::Node& n : g.model.graph.nodes)
    for (onnx::Attribute& a : n.attributes)
      if (a.t) a.t->raw = {};
  g.model.storage.clear();
}

}  // namespace

Graph import(onnx::Model model) {
  Graph g;
  g.model = std::move(model);
  g.opset = static_cast<int>(g.model.default_opset());
  std::unordered_map<std::string, int> ids;
  auto add_value = [&](const std::string& name) {
    ids[name] = static_cast<int>(g.values.size());
    g.values.push_back(Value{});
    g.values.back().name = name;
    return ids[name];
  };
  if (g.model.graph.nodes.size() > kMaxNodes)
    throw ModelError("the graph has " + std::to_string(g.model.graph.nodes.size()) + " nodes, more than the limit of " +
                     std::to_string(kMaxNodes));
  for (const onnx::Tensor& t : g.model.graph.initializers) set_constant(g.values[add_value(t.name)], t);
  for (const onnx::ValueInfo& in : g.model.graph.inputs) {
    if (ids.count(in.name)) continue;  // an initializer listed as input (old exporters)
    if (in.type != DataType::Float)
      throw onnx::UnsupportedError("input '" + in.name + "' is " + onnx::to_string(in.type) +
                                   "; only float32 inputs are supported");
    g.inputs.push_back(add_value(in.name));
  }
  for (const onnx::Node& n : g.model.graph.nodes) {
    Op op;
    op.type = n.op_type;
    op.name = n.name;
    op.node = &n;
    const ops::OpDef* def = ops::find(n.op_type);
    const std::string domain = n.domain == "ai.onnx" ? "" : n.domain;
    if (def ? def->domain != domain : !domain.empty())
      throw onnx::UnsupportedError("unsupported operator '" + (domain.empty() ? "" : domain + ".") + n.op_type +
                                   "' (node '" + n.name + "')");
    for (const std::string& in : n.inputs) {
      if (in.empty()) {
        op.inputs.push_back(-1);
        continue;
      }
      auto it = ids.find(in);
      if (it == ids.end())
        throw ModelError(n.label() + " reads '" + in +
                         "', which no earlier node produces (graph not in topological order?)");
      op.inputs.push_back(it->second);
      g.values[it->second].consumers++;
    }
    const int index = static_cast<int>(g.ops.size());
    for (const std::string& out : n.outputs) {
      if (out.empty()) {
        op.outputs.push_back(-1);
        continue;
      }
      if (ids.count(out)) throw ModelError(n.label() + " writes '" + out + "', which is already defined");
      const int id = add_value(out);
      g.values[id].producer = index;
      op.outputs.push_back(id);
    }
    if (op.type == "Constant") fold_constant_node(g, op);
    g.ops.push_back(std::move(op));
  }
  for (const onnx::ValueInfo& out : g.model.graph.outputs) {
    auto it = ids.find(out.name);
    if (it == ids.end()) throw ModelError("graph output '" + out.name + "' is not produced by any node");
    if (g.values[it->second].producer < 0)  // nothing to compute (and XNNPACK rejects such graphs)
      throw ModelError("graph output '" + out.name + "' is a graph input or a constant, not computed by any node");
    g.outputs.push_back(it->second);
    g.values[it->second].consumers++;
  }
  if (g.inputs.empty() || g.outputs.empty()) throw ModelError("the graph needs at least one input and one output");
  // Every tensor is converted now: drop the file bytes (halves peak memory for big models).
  drop_file_bytes(g);
  rewrite_quantized(g);
  fold_weights(g);
  mark_computed(g);
  ops::check_supported(g);
  return g;
}

}  // namespace dv::ir
