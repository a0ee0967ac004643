// Folds constant per-channel scales and affine normalisation parameters into the weights of the
// fully-connected layers next to them, once at import. In a vision transformer (Depth Anything
// V2) every block has LayerScale multiplies after two projections, the attention's query and key
// scaling, and two LayerNormalizations whose scale and bias feed only projections: each is a pass
// over the activations that costs as much memory traffic as it saves nothing. Exact in real
// arithmetic; in float it changes results by rounding only (checked against ONNX Runtime).
#include <algorithm>
#include <memory>

#include "engine/ir/graph.h"

namespace dv::ir {
namespace {

struct Links {
  std::vector<std::vector<int>> readers;  // value -> ops reading it (not counting Shape ops)
  std::vector<int> shape_readers;         // value -> Shape ops reading it (they see shapes only)
};

Links links_of(const Graph& g) {
  Links l{std::vector<std::vector<int>>(g.values.size()), std::vector<int>(g.values.size(), 0)};
  for (size_t i = 0; i < g.ops.size(); ++i)
    for (int v : g.ops[i].inputs) {
      if (v < 0) continue;
      if (g.ops[i].type == "Shape") ++l.shape_readers[size_t(v)];
      else l.readers[size_t(v)].push_back(int(i));
    }
  return l;
}

bool is_graph_output(const Graph& g, int v) {
  return std::find(g.outputs.begin(), g.outputs.end(), v) != g.outputs.end();
}

// A float initializer nothing else reads, so it can be changed in place; held as int8 codes
// (a quantized model's) only when `int8_too` (its per-column scales can take a column scaling).
bool own_weight(const Graph& g, int v, size_t rank, bool int8_too = false) {
  return v >= 0 && g.values[size_t(v)].initializer && g.values[size_t(v)].dtype == DType::F32 &&
         (int8_too || !g.values[size_t(v)].int8) && g.values[size_t(v)].consumers == 1 &&
         g.values[size_t(v)].shape.size() == rank;
}

// The data value of `v` is read by exactly one op (Shape ops aside) and is no graph output.
bool single_reader(const Graph& g, const Links& l, int v) {
  return l.readers[size_t(v)].size() == 1 && !is_graph_output(g, v);
}

// MatMul(x, W) + b with W [K, N] and b [N] owned: the Add's op index, its MatMul's, else -1.
struct Projection {
  int add = -1, matmul = -1, weight = -1, bias = -1;
};

Projection projection_producing(const Graph& g, const Links& l, int v) {
  Projection p;
  const int add = g.values[size_t(v)].producer;
  if (add < 0 || g.ops[size_t(add)].type != "Add") return p;
  const Op& a = g.ops[size_t(add)];
  for (int side = 0; side < 2; ++side) {
    const int mm_out = a.input(size_t(side)), bias = a.input(size_t(1 - side));
    const int mm = mm_out >= 0 ? g.values[size_t(mm_out)].producer : -1;
    if (mm < 0 || g.ops[size_t(mm)].type != "MatMul" || !single_reader(g, l, mm_out) || l.shape_readers[size_t(mm_out)])
      continue;
    const int w = g.ops[size_t(mm)].input(1);
    if (!own_weight(g, w, 2, true) || !own_weight(g, bias, 1) ||
        g.values[size_t(bias)].shape[0] != g.values[size_t(w)].shape[1])
      continue;
    return {add, mm, w, bias};
  }
  return p;
}

// `op` (reading `data`, written by op `writer`) is dropped: `writer` writes op's output instead.
void bypass(Graph& g, Links& l, int op_index, int data, int writer) {
  Op& op = g.ops[size_t(op_index)];
  const int out = op.outputs.at(0);
  Op& w = g.ops[size_t(writer)];
  std::replace(w.outputs.begin(), w.outputs.end(), data, out);
  g.values[size_t(out)].producer = writer;
  g.values[size_t(data)].producer = -1;
  for (int v : op.inputs) {
    if (v < 0) continue;
    --g.values[size_t(v)].consumers;
    auto& r = l.readers[size_t(v)];
    r.erase(std::remove(r.begin(), r.end(), op_index), r.end());
  }
  op.inputs.clear();
  op.outputs.clear();
  op.removed = true;
}

// Mul(P, s) where P = MatMul(x, W) + b, possibly reshaped/transposed when s is a scalar.
bool fold_scale(Graph& g, Links& l, int index) {
  const Op& mul = g.ops[size_t(index)];
  if (mul.type != "Mul" || mul.inputs.size() != 2 || mul.outputs.size() != 1) return false;
  for (int side = 0; side < 2; ++side) {
    const int data = mul.input(size_t(side)), s = mul.input(size_t(1 - side));
    if (s < 0 || data < 0 || !g.values[size_t(s)].is_const || g.values[size_t(s)].dtype != DType::F32) continue;
    const std::vector<float>& scale = g.values[size_t(s)].f32;
    // Walk back through layout-only ops (a scalar commutes with them).
    int v = data, last = g.values[size_t(data)].producer;
    while (scale.size() == 1 && v >= 0 && g.values[size_t(v)].producer >= 0) {
      const Op& p = g.ops[size_t(g.values[size_t(v)].producer)];
      if ((p.type != "Reshape" && p.type != "Transpose") || !single_reader(g, l, v)) break;
      v = p.input(0);
    }
    // The dropped Mul's input loses its producer: nothing else may look at it.
    if (!single_reader(g, l, v) || last < 0 || l.shape_readers[size_t(data)]) continue;
    const Projection proj = projection_producing(g, l, v);
    if (proj.add < 0) continue;
    std::vector<float>& w = g.values[size_t(proj.weight)].f32;
    std::vector<float>& b = g.values[size_t(proj.bias)].f32;
    const size_t n = b.size();
    const Shape& ss = g.values[size_t(s)].shape;  // one scale, or one per output column
    if (scale.size() != 1 && (scale.size() != n || ss.empty() || ss.back() != int64_t(n))) continue;
    auto factor = [&](size_t col) { return scale.size() == 1 ? scale[0] : scale[col]; };
    for (size_t i = 0; i < w.size(); ++i) w[i] *= factor(i % n);
    if (const auto& q = g.values[size_t(proj.weight)].int8) {  // its rows are the columns
      auto scaled = std::make_shared<Int8Weights>(*q);
      for (size_t col = 0; col < n; ++col) scaled->scale[col] *= factor(col);
      g.values[size_t(proj.weight)].int8 = std::move(scaled);
    }
    for (size_t col = 0; col < n; ++col) b[col] *= factor(col);
    bypass(g, l, index, data, last);
    return true;
  }
  return false;
}

// LayerNormalization(x, gamma, beta) read only by projections MatMul(y, W) + c: W' = diag(gamma) W,
// c' = c + beta W; gamma and beta become 1 and 0, which the lowering skips.
bool fold_layer_norm_affine(Graph& g, const Links& l, int index) {
  const Op& ln = g.ops[size_t(index)];
  if (ln.type != "LayerNormalization" || ln.outputs.empty() || ln.outputs[0] < 0) return false;
  const int y = ln.outputs[0], gamma = ln.input(1), beta = ln.input(2);
  if (!own_weight(g, gamma, 1) ||
      (beta >= 0 && (!own_weight(g, beta, 1) || g.values[size_t(beta)].shape != g.values[size_t(gamma)].shape)) ||
      is_graph_output(g, y) || l.shape_readers[size_t(y)])
    return false;
  const auto& readers = l.readers[size_t(y)];
  if (readers.empty() || readers.size() != size_t(g.values[size_t(y)].consumers)) return false;
  std::vector<Projection> projections;
  for (int r : readers) {
    const Op& mm = g.ops[size_t(r)];
    if (mm.type != "MatMul" || mm.input(0) != y || mm.outputs.empty() || mm.outputs[0] < 0) return false;
    const auto& next = l.readers[size_t(mm.outputs[0])];
    if (next.size() != 1 || g.ops[size_t(next[0])].outputs.empty() || g.ops[size_t(next[0])].outputs[0] < 0)
      return false;
    const Projection p = projection_producing(g, l, g.ops[size_t(next[0])].outputs[0]);
    if (p.matmul != r || g.values[size_t(p.weight)].shape[0] != g.values[size_t(gamma)].shape[0] ||
        g.values[size_t(p.weight)].int8)  // scaling its rows would need a scale per row and column
      return false;
    projections.push_back(p);
  }
  std::vector<float>& gm = g.values[size_t(gamma)].f32;
  for (const Projection& p : projections) {
    std::vector<float>& w = g.values[size_t(p.weight)].f32;
    std::vector<float>& c = g.values[size_t(p.bias)].f32;
    const size_t k = gm.size(), n = c.size();
    for (size_t row = 0; row < k; ++row)
      for (size_t col = 0; col < n; ++col) {
        if (beta >= 0) c[col] += g.values[size_t(beta)].f32[row] * w[row * n + col];
        w[row * n + col] *= gm[row];
      }
  }
  std::fill(gm.begin(), gm.end(), 1.0f);
  if (beta >= 0) std::fill(g.values[size_t(beta)].f32.begin(), g.values[size_t(beta)].f32.end(), 0.0f);
  return true;
}

}  // namespace

void fold_weights(Graph& g) {
  Links l = links_of(g);  // kept current by bypass()
  for (size_t i = 0; i < g.ops.size(); ++i)
    if (!fold_scale(g, l, int(i))) fold_layer_norm_affine(g, l, int(i));
}

}  // namespace dv::ir
