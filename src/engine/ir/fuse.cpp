#include "engine/ir/fuse.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace dv::ir {
namespace {

bool is_arithmetic(const std::string& type) { return type == "Add" || type == "Sub" || type == "Mul" || type == "Div"; }

class Fuser {
 public:
  explicit Fuser(const Graph& g)
      : g_(g), readers_(g.values.size()), live_(g.ops.size(), false), absorbed_(g.ops.size(), false) {
    for (size_t i = 0; i < g.ops.size(); ++i)
      for (int v : g.ops[i].inputs)
        if (v >= 0) readers_[size_t(v)].push_back(int(i));
    mark_live();
  }

  std::vector<FusedOp> run() {
    for (size_t i = 0; i < g_.ops.size(); ++i)
      if (runs(int(i)) && !absorbed_[i]) match(int(i));
    std::vector<FusedOp> result;
    for (size_t i = 0; i < g_.ops.size(); ++i) {
      if (auto it = fused_at_.find(int(i)); it != fused_at_.end()) result.push_back(std::move(it->second));
      else if (runs(int(i)) && !absorbed_[i]) result.push_back(plain(g_.ops[i]));
    }
    return result;
  }

 private:
  const Graph& g_;
  std::vector<std::vector<int>> readers_;  // value → ops reading it
  std::vector<bool> live_;                 // some graph output needs the op
  std::vector<bool> absorbed_;             // part of a fused op
  std::map<int, FusedOp> fused_at_;        // index of a pattern's last op → the fused op

  const Value& val(int v) const { return g_.values[size_t(v)]; }
  bool runs(int i) const {
    const Op& op = g_.ops[size_t(i)];
    return live_[size_t(i)] && op.computed && !op.removed;
  }

  // Ops whose results no graph output needs are dropped.
  void mark_live() {
    std::vector<bool> needed(g_.values.size(), false);
    for (int v : g_.outputs) needed[size_t(v)] = true;
    for (size_t i = g_.ops.size(); i-- > 0;) {
      const Op& op = g_.ops[i];
      live_[i] = std::any_of(op.outputs.begin(), op.outputs.end(), [&](int v) { return v >= 0 && needed[size_t(v)]; });
      if (!live_[i]) continue;
      for (int v : op.inputs)
        if (v >= 0) needed[size_t(v)] = true;
    }
  }

  static FusedOp plain(const Op& op) {
    FusedOp f;
    static_cast<Op&>(f) = op;
    return f;
  }

  // Records `fused` as replacing `parts` (graph op indices); it runs where its last part stood, so
  // every operand of every part (a skip computed after a resize, say) exists by then.
  void replace(const std::vector<int>& parts, FusedOp fused) {
    for (int p : parts) absorbed_[size_t(p)] = true;
    fused_at_[*std::max_element(parts.begin(), parts.end())] = std::move(fused);
  }

  void match(int i) {
    const std::string& t = g_.ops[size_t(i)].type;
    if (t == "Conv") conv(i);
    else if (t == "ConvTranspose") with_clamp({i}, plain(g_.ops[size_t(i)]));
    else if (t == "Erf") gelu(i);
    else if (t == "ReduceMean") layer_norm(i);
    else if (t == "MatMul" && !matmul_bias(i)) matmul_softmax(i);
    else if (t == "Resize" && !resize_elementwise(i)) resize_pointwise_conv(i);
  }

  // Output 0 of an op, or -1 (the pass runs at import too, before shapes check a node's arity).
  static int out(const Op& op) { return op.outputs.empty() ? -1 : op.outputs[0]; }
  // Whether v is a value (an omitted input is -1).
  static bool is(int v) { return v >= 0; }

  // The index of the single running op that reads v (no graph output does), or -1.
  int sole_reader(int v) const {
    if (!is(v) || val(v).consumers != 1 || readers_[size_t(v)].size() != 1) return -1;
    const int r = readers_[size_t(v)][0];
    return runs(r) && !absorbed_[size_t(r)] ? r : -1;
  }
  const Op* producer(int v) const {
    return v >= 0 && val(v).producer >= 0 ? &g_.ops[size_t(val(v).producer)] : nullptr;
  }
  bool is_scalar(int v) const {
    return v >= 0 && val(v).is_const && val(v).dtype == DType::F32 && val(v).f32.size() == 1;
  }
  bool scalar_is(int v, float want) const { return is_scalar(v) && std::fabs(val(v).f32[0] - want) < 1e-6f; }
  int other_input(const Op& op, int v) const { return op.input(0) == v ? op.input(1) : op.input(0); }

  // x * 0.5 * (1 + erf(x / sqrt(2))) as PyTorch exports it (x / sqrt(2) or x * (1 / sqrt(2)); the
  // two Muls in either order).
  void gelu(int erf_index) {
    const Op& erf = g_.ops[size_t(erf_index)];
    const Op* scale = producer(erf.input(0));
    if (!scale || (scale->type != "Div" && scale->type != "Mul") || !is_scalar(scale->input(1))) return;
    const int scale_index = val(erf.input(0)).producer;
    if (!runs(scale_index)) return;
    const float k = val(scale->input(1)).f32[0];
    if (std::fabs((scale->type == "Div" ? k : 1.0f / k) - std::sqrt(2.0f)) > 1e-3f) return;
    const int x = scale->input(0);
    // The scaling stays when something else reads it too; the Gelu reads x.
    std::vector<int> parts = {erf_index};
    if (sole_reader(erf.input(0)) == erf_index) parts.push_back(scale_index);
    const int add = sole_reader(out(erf));
    if (add < 0 || g_.ops[size_t(add)].type != "Add" || !scalar_is(other_input(g_.ops[size_t(add)], out(erf)), 1.0f))
      return;
    parts.push_back(add);
    int result = out(g_.ops[size_t(add)]);
    bool half = false, times_x = false;
    for (int step = 0; step < 2; ++step) {
      const int mul = sole_reader(result);
      if (mul < 0 || g_.ops[size_t(mul)].type != "Mul") return;
      const int other = other_input(g_.ops[size_t(mul)], result);
      if (other == x && !times_x) times_x = true;
      else if (scalar_is(other, 0.5f) && !half) half = true;
      else return;
      parts.push_back(mul);
      result = out(g_.ops[size_t(mul)]);
    }
    FusedOp f = plain(erf);
    f.type = "Gelu";
    f.inputs = {x};
    f.outputs = {result};
    replace(parts, std::move(f));
  }

  // The op that alone reads v, if it has type `type` (else -1).
  int sole_reader_of_type(int v, const char* type) const {
    const int r = v >= 0 ? sole_reader(v) : -1;
    return r >= 0 && g_.ops[size_t(r)].type == type ? r : -1;
  }

  // A mean over the last axis only, keeping it (both means of the pattern).
  bool last_axis_mean(const Op& op) const {
    if (op.type != "ReduceMean" || op.attr_int("keepdims", 1) != 1) return false;
    std::vector<int64_t> axes = op.attr_ints("axes");
    if (op.input(1) >= 0) {
      const Value& a = val(op.input(1));
      if (!a.is_const || a.dtype != DType::I64) return false;
      axes = a.i64;
    }
    if (!is(op.input(0))) return false;
    const Value& x = val(op.input(0));
    return axes.size() == 1 && (axes[0] == -1 || (x.shape_known && axes[0] == int64_t(x.shape.size()) - 1));
  }

  // (x - mean) / sqrt(mean((x - mean)^2) + eps) [* scale] [+ bias] over the last axis, as exporters
  // before opset 17 write LayerNormalization (the square as Pow 2 or as a product).
  void layer_norm(int mean_index) {
    const Op& mean = g_.ops[size_t(mean_index)];
    if (!last_axis_mean(mean)) return;
    const int x = mean.input(0);
    const int sub = sole_reader_of_type(out(mean), "Sub");
    if (sub < 0 || g_.ops[size_t(sub)].input(0) != x) return;
    const int d = out(g_.ops[size_t(sub)]);
    if (!is(d)) return;
    std::vector<int> readers = readers_[size_t(d)];  // the square and the division (a Mul square reads it twice)
    if (val(d).consumers != int(readers.size())) return;
    readers.erase(std::unique(readers.begin(), readers.end()), readers.end());
    if (readers.size() != 2) return;
    int square = -1, div = -1;
    for (int r : readers) {
      const Op& op = g_.ops[size_t(r)];
      if (!runs(r) || absorbed_[size_t(r)]) return;
      if (op.type == "Div" && op.input(0) == d) div = r;
      else if ((op.type == "Pow" && op.input(0) == d && scalar_is(op.input(1), 2.0f)) ||
               (op.type == "Mul" && op.input(0) == d && op.input(1) == d))
        square = r;
    }
    if (square < 0 || div < 0) return;
    const int var = sole_reader_of_type(out(g_.ops[size_t(square)]), "ReduceMean");
    if (var < 0 || !last_axis_mean(g_.ops[size_t(var)])) return;
    const int add_eps = sole_reader_of_type(out(g_.ops[size_t(var)]), "Add");
    if (add_eps < 0) return;
    const int eps = other_input(g_.ops[size_t(add_eps)], out(g_.ops[size_t(var)]));
    const int root = sole_reader_of_type(out(g_.ops[size_t(add_eps)]), "Sqrt");
    if (!is_scalar(eps) || root < 0 || sole_reader(out(g_.ops[size_t(root)])) != div ||
        g_.ops[size_t(div)].input(1) != out(g_.ops[size_t(root)]))
      return;
    std::vector<int> parts = {mean_index, sub, square, var, add_eps, root, div};
    int result = out(g_.ops[size_t(div)]), scale = -1, bias = -1;
    if (const int mul = affine_after(result, "Mul", x); mul >= 0) {
      scale = other_input(g_.ops[size_t(mul)], result);
      result = out(g_.ops[size_t(mul)]);
      parts.push_back(mul);
    }
    if (const int add = affine_after(result, "Add", x); add >= 0) {
      bias = other_input(g_.ops[size_t(add)], result);
      result = out(g_.ops[size_t(add)]);
      parts.push_back(add);
    }
    FusedOp f = plain(mean);
    f.type = "LayerNormalization";
    f.inputs = {x, scale, bias};
    f.outputs = {result};
    onnx::Attribute epsilon;
    epsilon.name = "epsilon";
    epsilon.kind = onnx::Attribute::Kind::Float;
    epsilon.f = val(eps).f32[0];
    f.attributes = {epsilon};
    replace(parts, std::move(f));
  }

  // The op of `type` that alone reads v with a constant 1-D operand of x's last dimension.
  int affine_after(int v, const char* type, int x) const {
    const int r = sole_reader_of_type(v, type);
    if (r < 0) return -1;
    const int other = other_input(g_.ops[size_t(r)], v);
    if (!is(other)) return -1;
    const Value& c = val(other);
    const bool matches = c.is_const && c.dtype == DType::F32 && c.shape.size() == 1 &&
                         (!val(x).shape_known || (!val(x).shape.empty() && c.shape[0] == val(x).shape.back()));
    return matches ? r : -1;
  }

  // MatMul by a constant [K, N] matrix whose only reader adds a constant [N] bias. (A clamp after it
  // stays a node of its own: XNNPACK's relaxed-SIMD fully-connected kernels computed wrong results
  // with a clamp minimum above 0, see tests/ops matmul_bias_clip_positive_min.)
  bool matmul_bias(int index) {
    const Op& mm = g_.ops[size_t(index)];
    const int b = mm.input(1);
    if (b < 0 || !val(b).is_const || val(b).shape.size() != 2) return false;
    const int add = sole_reader_of_type(out(mm), "Add");
    if (add < 0) return false;
    const int bias = other_input(g_.ops[size_t(add)], out(mm));
    if (!is(bias) || bias == out(mm) || !val(bias).is_const || val(bias).shape != Shape{val(b).shape[1]}) return false;
    FusedOp f = plain(mm);
    f.bias = bias;
    f.outputs = g_.ops[size_t(add)].outputs;
    replace({index, add}, std::move(f));
    return true;
  }

  // Attention's scores: a MatMul of two activations whose only reader is a Softmax (the engine's
  // Softmax is over the last axis, the scores' rows).
  void matmul_softmax(int index) {
    const Op& mm = g_.ops[size_t(index)];
    if (!is(mm.input(0)) || !is(mm.input(1)) || val(mm.input(0)).is_const || val(mm.input(1)).is_const) return;
    const int softmax = sole_reader_of_type(out(mm), "Softmax");
    if (softmax >= 0 && g_.ops[size_t(softmax)].input(0) == out(mm))
      with_partner(index, softmax, FusedOp::Partner::softmax_after);
  }

  // A Conv without bias whose only reader adds a constant per channel ([1, O, 1, 1] or [O, 1, 1]: how
  // onnxruntime's dynamic quantization adds the bias after ConvInteger) takes it as its bias; then
  // the clamps after it.
  void conv(int index) {
    FusedOp f = plain(g_.ops[size_t(index)]);
    std::vector<int> parts = {index};
    const int add = f.input(2) < 0 ? sole_reader_of_type(out(f), "Add") : -1;
    const int bias = add >= 0 ? other_input(g_.ops[size_t(add)], out(f)) : -1;
    if (is(bias) && bias != out(f) && val(bias).is_const && val(bias).dtype == DType::F32 && is(out(f)) &&
        val(out(f)).shape_known && val(out(f)).shape.size() == 4) {
      const int64_t channels = val(out(f)).shape[1];
      const Shape& bs = val(bias).shape;
      if (bs == Shape{1, channels, 1, 1} || bs == Shape{channels, 1, 1}) {
        f.inputs.resize(3, -1);
        f.inputs[2] = bias;
        f.outputs = g_.ops[size_t(add)].outputs;
        parts.push_back(add);
      }
    }
    with_clamp(parts, std::move(f));
  }

  // `f` (replacing `parts`) with the chain of Clip/Relu that alone reads its output folded in;
  // recorded only when something was fused.
  void with_clamp(std::vector<int> parts, FusedOp f) {
    float lo = 0.0f, hi = 0.0f;
    for (int r = sole_reader(out(f)); r >= 0 && g_.ops[size_t(r)].input(0) == out(f) && clamp_bounds(g_, g_.ops[size_t(r)], lo, hi);
         r = sole_reader(out(f))) {
      f.clamp_min = std::max(f.clamp_min, lo);
      f.clamp_max = std::min(f.clamp_max, hi);
      f.outputs = g_.ops[size_t(r)].outputs;
      parts.push_back(r);
    }
    if (parts.size() > 1) replace(parts, std::move(f));
  }

  // A nearest upsampling read only by Add/Sub/Mul/Div with another activation of its output's
  // shape (FastDepth's skip connections): one broadcast op does both, and the upsampled tensor is
  // never written.
  bool resize_elementwise(int index) {
    const Op& resize = g_.ops[size_t(index)];
    const int up = out(resize);
    if (!is(up) || resize.attr_string("mode", "nearest") != "nearest" || !val(up).shape_known) return false;
    const int reader = sole_reader(up);
    if (reader < 0 || !is_arithmetic(g_.ops[size_t(reader)].type)) return false;
    const Op& binary = g_.ops[size_t(reader)];
    const int other = other_input(binary, up);
    if (!is(other) || other == up || val(other).is_const || !val(other).shape_known ||
        val(other).shape != val(up).shape)
      return false;
    return with_partner(index, reader, FusedOp::Partner::elementwise_after);
  }

  // A 1x1 convolution right after an upsampling (MiDaS's and Depth Anything's fusion blocks,
  // FastDepth's last layer) commutes with it: both are linear, one across channels, one across
  // pixels (resize weights sum to 1, so the bias commutes too). Run first, it works on fewer
  // pixels, and the resize on no more channels.
  bool resize_pointwise_conv(int index) {
    const Op& resize = g_.ops[size_t(index)];
    const int r = out(resize);
    const int reader = sole_reader(r);
    if (reader < 0 || g_.ops[size_t(reader)].type != "Conv") return false;
    const Op& conv = g_.ops[size_t(reader)];
    if (!is(conv.input(1)) || !is(resize.input(0))) return false;
    const Value& w = val(conv.input(1));
    const Shape& xs = val(resize.input(0)).shape;
    const Shape& ys = val(r).shape;
    const auto ones = [&](const char* a) {
      const auto v = conv.attr_ints(a);
      return v.empty() || v == std::vector<int64_t>(v.size(), 1);
    };
    const auto pads = conv.attr_ints("pads");
    if (conv.input(0) != r || !w.is_const || w.shape.size() != 4 || w.shape[2] != 1 || w.shape[3] != 1 ||
        conv.attr_int("group", 1) != 1 || !ones("strides") || !ones("dilations") ||
        !(pads.empty() || pads == std::vector<int64_t>(pads.size(), 0)) || !val(r).shape_known || xs.size() != 4 ||
        ys.size() != 4 || ys[2] * ys[3] <= xs[2] * xs[3] || w.shape[0] > w.shape[1])
      return false;
    return with_partner(index, reader, FusedOp::Partner::pointwise_conv_first);
  }

  // The op at `index` fused with the sole reader of its output, whose outputs it takes.
  bool with_partner(int index, int reader, FusedOp::Partner kind) {
    FusedOp f = plain(g_.ops[size_t(index)]);
    f.partner_kind = kind;
    f.partner = g_.ops[size_t(reader)];
    f.link = out(g_.ops[size_t(index)]);
    f.outputs = f.partner.outputs;
    replace({index, reader}, std::move(f));
    return true;
  }
};

}  // namespace

std::vector<FusedOp> fuse(const Graph& g) { return Fuser(g).run(); }

bool clamp_bounds(const Graph& g, const Op& op, float& lo, float& hi) {
  constexpr float kInf = std::numeric_limits<float>::infinity();
  lo = -kInf;
  hi = kInf;
  if (op.type == "Relu") return (lo = 0.0f, true);
  if (op.type != "Clip") return false;
  if (g.opset < 11) {
    lo = op.attr_float("min", -kInf);
    hi = op.attr_float("max", kInf);
    return true;
  }
  for (size_t i = 1; i <= 2; ++i) {
    const int v = op.input(i);
    if (v < 0) continue;
    const Value& bound = g.values[size_t(v)];
    if (!bound.is_const || bound.dtype != DType::F32 || bound.f32.size() != 1) return false;
    (i == 1 ? lo : hi) = bound.f32[0];
  }
  return true;
}

}  // namespace dv::ir
