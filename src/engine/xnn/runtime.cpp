// IR → XNNPACK subgraph. 4-D activations live in NHWC inside XNNPACK (its convolutions need
// it); the graph's NCHW inputs are transposed once on entry and outputs once on exit.
#include "engine/xnn/runtime.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <string>

#include <xnnpack.h>

namespace dv::xnn {
namespace {

using ir::Graph;
using ir::Op;
using ir::Shape;
using onnx::ModelError;

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr size_t kNchwToNhwc[4] = {0, 2, 3, 1};
constexpr size_t kNhwcToNchw[4] = {0, 3, 1, 2};

[[noreturn]] void fail(const Op& op, const std::string& why) { throw ModelError(op.label() + ": " + why); }

void check(xnn_status s, const Op* op, const char* what) {
  if (s == xnn_status_success) return;
  const std::string msg = std::string("XNNPACK rejected ") + what + " (status " + std::to_string(int(s)) + ")";
  if (op) fail(*op, msg);
  throw ModelError(msg);
}

std::vector<size_t> dims_of(const Shape& s) { return {s.begin(), s.end()}; }
Shape to_nhwc(const Shape& s) { return {s[0], s[2], s[3], s[1]}; }

class Lowering {
 public:
  Lowering(const Graph& g, xnn_subgraph_t sg, std::vector<std::vector<float>>& owned, SharedWeights& shared, bool int8)
      : g_(g), sg_(sg), owned_(owned), shared_(shared), int8_(int8), id_(g.values.size(), XNN_INVALID_VALUE_ID), nhwc_(g.values.size(), false),
        skip_(g.ops.size(), false), dead_(g.ops.size(), false), readers_(g.values.size()) {
    for (size_t i = 0; i < g.ops.size(); ++i)
      for (int v : g.ops[i].inputs)
        if (v >= 0) readers_[size_t(v)].push_back(int(i));
    skip_dead_ops();
  }

  // Ops whose results no graph output needs are not lowered: XNNPACK aborts on a subgraph with
  // values nobody reads (found by fuzzing), and they would only cost time.
  void skip_dead_ops() {
    std::vector<bool> live(g_.values.size(), false);
    for (int v : g_.outputs) live[size_t(v)] = true;
    for (size_t i = g_.ops.size(); i-- > 0;) {
      const Op& op = g_.ops[i];
      const bool needed = std::any_of(op.outputs.begin(), op.outputs.end(), [&](int v) { return v >= 0 && live[size_t(v)]; });
      if (!needed) {
        dead_[i] = true;
        continue;
      }
      for (int v : op.inputs)
        if (v >= 0) live[size_t(v)] = true;
    }
  }

  void lower(std::vector<uint32_t>& input_ids, std::vector<uint32_t>& output_ids) {
    uint32_t external = 0;
    for (int v : g_.inputs) input_ids.push_back(define_input(v, external++));
    find_gelu_patterns();
    for (size_t i = 0; i < g_.ops.size(); ++i) {
      const Op& op = g_.ops[i];
      if (dead_[i]) continue;
      if (auto it = gelu_.find(int(i)); it != gelu_.end()) { lower_gelu(op, it->second); continue; }
      if (op.folded || op.removed || skip_[i]) continue;
      lower_op(op);
    }
    for (int v : g_.outputs) output_ids.push_back(define_output(v, external++));
  }

 private:
  const Graph& g_;
  xnn_subgraph_t sg_;
  std::vector<std::vector<float>>& owned_;
  SharedWeights& shared_;
  bool int8_;
  std::vector<uint32_t> id_;
  std::vector<bool> nhwc_;
  std::vector<bool> skip_;
  std::vector<bool> dead_;  // not needed by any graph output
  std::vector<std::vector<int>> readers_;        // value → ops reading it
  std::map<int, uint32_t> nchw_copy_, nhwc_copy_;  // value → the same data in the other layout
  std::map<int, std::pair<int, int>> gelu_;        // first op of a GELU pattern → (x, result) values
  std::map<std::pair<uint32_t, size_t>, uint32_t> quantized_;  // (f32 tensor, nonbatch dims) → its int8 copy

  const ir::Value& val(int v) const { return g_.values[size_t(v)]; }

  uint32_t tensor(const Shape& shape, const float* data = nullptr, uint32_t external = XNN_INVALID_VALUE_ID,
                  uint32_t flags = 0) {
    uint32_t id = 0;
    const auto d = dims_of(shape);
    check(xnn_define_tensor_value(sg_, xnn_datatype_fp32, d.size(), d.data(), data, external, flags, &id), nullptr,
          "a tensor definition");
    return id;
  }

  const float* own(std::vector<float> data) {
    owned_.push_back(std::move(data));
    return owned_.back().data();
  }

  uint32_t define_input(int v, uint32_t external) {
    const Shape& s = val(v).shape;
    const uint32_t ext = tensor(s, nullptr, external, XNN_VALUE_FLAG_EXTERNAL_INPUT);
    if (s.size() != 4) { id_[size_t(v)] = ext; return ext; }
    id_[size_t(v)] = tensor(to_nhwc(s));
    nhwc_[size_t(v)] = true;
    check(xnn_define_static_transpose(sg_, 4, kNchwToNhwc, ext, id_[size_t(v)], 0), nullptr, "the input transpose");
    return ext;
  }

  uint32_t define_output(int v, uint32_t external) {
    const Shape& s = val(v).shape;
    const uint32_t ext = tensor(s, nullptr, external, XNN_VALUE_FLAG_EXTERNAL_OUTPUT);
    if (val(v).is_const) throw ModelError("graph output '" + val(v).name + "' is a constant");
    if (nhwc_[size_t(v)])
      check(xnn_define_static_transpose(sg_, 4, kNhwcToNchw, id_[size_t(v)], ext, 0), nullptr, "the output transpose");
    else
      check(xnn_define_copy(sg_, id_[size_t(v)], ext, 0), nullptr, "the output copy");
    return ext;
  }

  // XNNPACK id of an input value: activations as they are, constants as static tensors laid out
  // to broadcast against an NHWC activation when `nhwc` is set.
  uint32_t input(const Op& op, size_t i, bool nhwc_context = false) {
    const int v = op.input(i);
    if (v < 0) fail(op, "input " + std::to_string(i) + " is missing");
    if (!val(v).is_const) return input_of(op, v);
    if (val(v).dtype != ir::DType::F32) fail(op, "integer tensors cannot be computed on");
    Shape s = val(v).shape;
    if (!(nhwc_context && s.size() <= 4)) return tensor(s, constant_data(v));
    // Re-laid to broadcast against NHWC: pad to rank 4 (NCHW), then permute to NHWC.
    const std::vector<float>& data = val(v).f32;
    while (s.size() < 4) s.insert(s.begin(), 1);
    const Shape n = to_nhwc(s);
    std::vector<float> t(data.size());
    for (int64_t a = 0; a < s[0]; ++a)
      for (int64_t c = 0; c < s[1]; ++c)
        for (int64_t y = 0; y < s[2]; ++y)
          for (int64_t x = 0; x < s[3]; ++x)
            t[size_t(((a * n[1] + y) * n[2] + x) * n[3] + c)] = data[size_t(((a * s[1] + c) * s[2] + y) * s[3] + x)];
    return tensor(n, own(std::move(t)));
  }

  // Initializers are re-laid once per model (stable, so XNNPACK's packed-weights cache hits for
  // every input size); anything folded at this size belongs to this runtime.
  const float* relaid_weights(int v, const std::function<std::vector<float>()>& make) {
    return val(v).initializer ? shared_.relaid(v, make) : own(make());
  }

  // int8 filter: rows = dims[0] output channels (made by `rows`), quantized once per model.
  uint32_t quantized_filter(int v, const Shape& dims, const std::function<std::vector<float>()>& rows) {
    const size_t n = size_t(dims[0]), cols = ir::element_count(dims) / n;
    const SharedWeights::Quantized& q = shared_.quantized(v, n, cols, rows);
    const auto d = dims_of(dims);
    uint32_t id = 0;
    check(xnn_define_channelwise_quantized_tensor_value(sg_, xnn_datatype_qcint8, q.scale.data(), d.size(), 0, d.data(),
                                                        q.data.data(), XNN_INVALID_VALUE_ID, 0, &id),
          nullptr, "an int8 filter");
    return id;
  }

  // f32 activation → int8 with a scale per row of its last `nonbatch` dims, recomputed each run;
  // once for all the layers that read it (attention's query, key and value projections).
  uint32_t quantize_activation(const Op& op, uint32_t f32, const Shape& shape, size_t nonbatch) {
    const auto key = std::make_pair(f32, nonbatch);
    if (auto it = quantized_.find(key); it != quantized_.end()) return it->second;
    const auto d = dims_of(shape);
    uint32_t id = 0;
    check(xnn_define_dynamically_quantized_tensor_value(sg_, xnn_datatype_qdint8, d.size(), nonbatch, d.data(),
                                                        XNN_INVALID_VALUE_ID, 0, &id),
          &op, "a dynamically quantized tensor");
    check(xnn_define_unary(sg_, xnn_unary_convert, nullptr, f32, id, 0), &op, "the activation quantization");
    return quantized_[key] = id;
  }

  // Weights straight from the model's initializers (they live as long as the model, and no
  // copy halves the memory of big models); constants folded at this size are copied.
  const float* constant_data(int v) {
    return val(v).initializer ? val(v).f32.data() : own(val(v).f32);
  }

  // Output tensor for op output i, in NHWC when `nhwc` (and rank 4).
  uint32_t output(const Op& op, bool nhwc, size_t i = 0) {
    const int v = op.outputs.at(i);
    const Shape& s = val(v).shape;
    nhwc_[size_t(v)] = nhwc && s.size() == 4;
    id_[size_t(v)] = tensor(nhwc_[size_t(v)] ? to_nhwc(s) : s);
    return id_[size_t(v)];
  }

  bool input_nhwc(const Op& op, size_t i) const { return op.input(i) >= 0 && nhwc_[size_t(op.input(i))]; }

  // Input i in plain (ONNX, NCHW) layout; 4-D NHWC activations are transposed once and cached.
  uint32_t plain(const Op& op, size_t i) {
    const int v = op.input(i);
    if (v < 0 || !nhwc_[size_t(v)]) return input(op, i);
    auto it = nchw_copy_.find(v);
    if (it != nchw_copy_.end()) return it->second;
    const uint32_t id = tensor(val(v).shape);
    check(xnn_define_static_transpose(sg_, 4, kNhwcToNchw, id_[size_t(v)], id, 0), &op, "a layout change");
    return nchw_copy_[v] = id;
  }

  // Input i as a 4-D NHWC activation (what XNNPACK's convolutions and resizes need).
  uint32_t as_nhwc(const Op& op, size_t i) {
    const int v = op.input(i);
    if (v < 0 || val(v).shape.size() != 4) fail(op, "needs a 4-D input");
    if (nhwc_[size_t(v)]) return id_[size_t(v)];
    if (val(v).is_const) return input(op, i, true);
    auto it = nhwc_copy_.find(v);
    if (it != nhwc_copy_.end()) return it->second;
    const uint32_t src = input(op, i);
    const uint32_t id = tensor(to_nhwc(val(v).shape));
    check(xnn_define_static_transpose(sg_, 4, kNchwToNhwc, src, id, 0), &op, "a layout change");
    return nhwc_copy_[v] = id;
  }

  // Clamp bounds of a Clip/Relu op (NaN = not an activation XNNPACK can fuse).
  bool activation_bounds(const Op& op, float* lo, float* hi) const {
    *lo = -kInf;
    *hi = kInf;
    if (op.type == "Relu") { *lo = 0.0f; return true; }
    if (op.type != "Clip") return false;
    if (g_.opset < 11) { *lo = op.attr_float("min", -kInf); *hi = op.attr_float("max", kInf); return true; }
    for (size_t i = 1; i <= 2; ++i) {
      const int v = op.input(i);
      if (v < 0) continue;
      if (!val(v).is_const || val(v).f32.size() != 1) return false;
      (i == 1 ? *lo : *hi) = val(v).f32[0];
    }
    return true;
  }

  // If the only reader of op's output is a Clip/Relu, fuse it: returns the op whose output the
  // fused node writes, and the bounds.
  const Op* fusable_activation(const Op& op, float* lo, float* hi) {
    const int index = activation_after(op, lo, hi);
    if (index < 0) return nullptr;
    skip_[size_t(index)] = true;
    return &g_.ops[size_t(index)];
  }

  // The index of the Clip/Relu that alone reads op's output (bounds in lo/hi), else -1.
  int activation_after(const Op& op, float* lo, float* hi) const {
    const int out = op.outputs.at(0), index = sole_reader(out);
    return index >= 0 && g_.ops[size_t(index)].input(0) == out && activation_bounds(g_.ops[size_t(index)], lo, hi) ? index : -1;
  }

  void lower_op(const Op& op) {
    const std::string& t = op.type;
    if (t == "Conv") lower_conv(op);
    else if (t == "ConvTranspose") lower_conv_transpose(op);
    else if (t == "Relu" || t == "Clip" || t == "LeakyRelu" || t == "Sigmoid" || t == "Tanh") lower_unary(op);
    else if (is_arithmetic(op)) lower_binary(op);
    else if (t == "Resize") lower_resize(op);
    else if (t == "Concat") lower_concat(op);
    else if (t == "Squeeze" || t == "Reshape" || t == "Unsqueeze" || t == "Identity" || t == "Flatten") lower_reshape(op);
    else if (t == "Transpose") lower_transpose(op);
    else if (t == "Slice") lower_slice(op);
    else if (t == "MatMul") lower_matmul(op);
    else if (t == "LayerNormalization") lower_layer_norm(op);
    else if (t == "Softmax") lower_softmax(op);
    else throw ModelError("unsupported operator '" + t + "' (node '" + op.name + "')");
  }

  void lower_conv(const Op& op) {
    float lo = -kInf, hi = kInf;
    const Op* act = fusable_activation(op, &lo, &hi);
    define_conv(op, as_nhwc(op, 0), val(op.input(0)).shape, val(op.outputs[0]).shape, output(act ? *act : op, true), lo, hi);
  }

  // Conv weights [O, I/g, kh, kw] → XNNPACK's [O, kh, kw, I/g]. `in`/`out`: NHWC tensors of the
  // NCHW shapes xs/ys; lo/hi: a fused activation's clamp.
  void define_conv(const Op& op, uint32_t in, const Shape& xs, const Shape& ys, uint32_t out, float lo, float hi) {
    const ir::Value& w = val(op.input(1));
    if (!w.is_const) fail(op, "weights must be constant");
    const Shape& ws = w.shape;
    const int64_t O = ws[0], I = ws[1], KH = ws[2], KW = ws[3], group = op.attr_int("group", 1);
    const auto ohwi = [&] {
      std::vector<float> r(w.f32.size());
      for (int64_t o = 0; o < O; ++o)
        for (int64_t i = 0; i < I; ++i)
          for (int64_t y = 0; y < KH; ++y)
            for (int64_t x = 0; x < KW; ++x)
              r[size_t(((o * KH + y) * KW + x) * I + i)] = w.f32[size_t(((o * I + i) * KH + y) * KW + x)];
      return r;
    };
    const bool int8 = int8_ && int8_weights(g_, op);
    const uint32_t wid = int8 ? quantized_filter(op.input(1), {O, KH, KW, I}, ohwi)
                              : tensor({O, KH, KW, I}, relaid_weights(op.input(1), ohwi));
    const uint32_t bid = op.input(2) >= 0 ? input(op, 2) : XNN_INVALID_VALUE_ID;
    auto pads = op.attr_ints("pads"), strides = op.attr_ints("strides"), dil = op.attr_ints("dilations");
    if (strides.empty()) strides = {1, 1};
    if (dil.empty()) dil = {1, 1};
    if (pads.empty()) pads = {0, 0, 0, 0};
    const std::string auto_pad = op.attr_string("auto_pad", "NOTSET");
    if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      for (int k = 0; k < 2; ++k) {
        const int64_t total = std::max<int64_t>(0, (ys[2 + k] - 1) * strides[size_t(k)] + (ws[2 + k] - 1) * dil[size_t(k)] + 1 - xs[2 + k]);
        pads[size_t(k)] = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
        pads[size_t(k) + 2] = total - pads[size_t(k)];
      }
    } else if (auto_pad == "VALID") {
      pads = {0, 0, 0, 0};
    }
    const uint32_t x = int8 ? quantize_activation(op, in, to_nhwc(xs), 3) : in;
    check(xnn_define_convolution_2d(sg_, uint32_t(pads[0]), uint32_t(pads[3]), uint32_t(pads[2]), uint32_t(pads[1]),
                                    uint32_t(KH), uint32_t(KW), uint32_t(strides[0]), uint32_t(strides[1]),
                                    uint32_t(dil[0]), uint32_t(dil[1]), uint32_t(group), size_t(I), size_t(O / group),
                                    lo, hi, x, wid, bid, out, 0),
          &op, "the convolution");
  }

  // ConvTranspose weights [I, O/g, kh, kw] → XNNPACK's [g * O/g, kh, kw, I/g].
  void lower_conv_transpose(const Op& op) {
    const ir::Value& w = val(op.input(1));
    if (!w.is_const) fail(op, "weights must be constant");
    const Shape& ws = w.shape;
    const int64_t I = ws[0], OG = ws[1], KH = ws[2], KW = ws[3], group = op.attr_int("group", 1), IG = I / group;
    const float* relaid = relaid_weights(op.input(1), [&] {
      std::vector<float> r(w.f32.size());
      for (int64_t i = 0; i < I; ++i)
        for (int64_t o = 0; o < OG; ++o)
          for (int64_t y = 0; y < KH; ++y)
            for (int64_t x = 0; x < KW; ++x) {
              const int64_t g = i / IG, il = i % IG;
              r[size_t((((g * OG + o) * KH + y) * KW + x) * IG + il)] = w.f32[size_t(((i * OG + o) * KH + y) * KW + x)];
            }
      return r;
    });
    const uint32_t wid = tensor({group * OG, KH, KW, IG}, relaid);
    const uint32_t bid = op.input(2) >= 0 ? input(op, 2) : XNN_INVALID_VALUE_ID;
    auto pads = op.attr_ints("pads"), strides = op.attr_ints("strides"), dil = op.attr_ints("dilations"),
         adj = op.attr_ints("output_padding");
    if (strides.empty()) strides = {1, 1};
    if (dil.empty()) dil = {1, 1};
    if (pads.empty()) pads = {0, 0, 0, 0};
    if (adj.empty()) adj = {0, 0};
    if (op.attr_string("auto_pad", "NOTSET") != "NOTSET") fail(op, "auto_pad is not supported for ConvTranspose");
    float lo = -kInf, hi = kInf;
    const Op* act = fusable_activation(op, &lo, &hi);
    const uint32_t in = as_nhwc(op, 0);
    const uint32_t out = output(act ? *act : op, true);
    check(xnn_define_deconvolution_2d(sg_, uint32_t(pads[0]), uint32_t(pads[3]), uint32_t(pads[2]), uint32_t(pads[1]),
                                      uint32_t(adj[0]), uint32_t(adj[1]), uint32_t(KH), uint32_t(KW),
                                      uint32_t(strides[0]), uint32_t(strides[1]), uint32_t(dil[0]), uint32_t(dil[1]),
                                      uint32_t(group), size_t(IG), size_t(OG), lo, hi, in, wid, bid, out, 0),
          &op, "the transposed convolution");
  }

  void lower_unary(const Op& op) {
    const bool nhwc = input_nhwc(op, 0);
    const uint32_t in = input(op, 0);
    const uint32_t out = output(op, nhwc);
    xnn_unary_params params{};
    xnn_unary_operator kind = xnn_unary_clamp;
    if (op.type == "LeakyRelu") {
      kind = xnn_unary_leaky_relu;
      params.leaky_relu.negative_slope = op.attr_float("alpha", 0.01f);
    } else if (op.type == "Sigmoid") {
      kind = xnn_unary_sigmoid;
    } else if (op.type == "Tanh") {
      kind = xnn_unary_tanh;
    } else if (!activation_bounds(op, &params.clamp.min, &params.clamp.max)) {
      fail(op, "min and max must be constant scalars");
    }
    check(xnn_define_unary(sg_, kind, kind == xnn_unary_sigmoid || kind == xnn_unary_tanh ? nullptr : &params, in, out, 0),
          &op, "the activation");
  }

  // The elementwise op fused into a nearest upsampling: kind, its other operand (NHWC), and
  // whether that operand comes first (Sub, Div).
  struct Elementwise {
    xnn_binary_operator kind;
    uint32_t other;
    bool other_first;
  };

  void lower_binary(const Op& op) {
    for (size_t i = 0; i < 2; ++i) {
      const Op* resize = producer(op.input(i));
      if (resize && resize->type == "Resize" && !resize->folded && elementwise_after_nearest(*resize) == &op) {
        const Elementwise with{binary_kind(op), as_nhwc(op, 1 - i), i == 1};
        return define_resize(*resize, as_nhwc(*resize, 0), val(resize->input(0)).shape, val(op.outputs[0]).shape,
                             output(op, true), &with);
      }
    }
    // NHWC when either operand is (the other follows: constants are re-laid, activations transposed).
    const bool nhwc = input_nhwc(op, 0) || input_nhwc(op, 1);
    auto operand = [&](size_t i) {
      const int v = op.input(i);
      return nhwc && !val(v).is_const && val(v).shape.size() == 4 ? as_nhwc(op, i) : input(op, i, nhwc);
    };
    for (size_t i = 0; i < 2; ++i)
      if (nhwc && !val(op.input(i)).is_const && val(op.input(i)).shape.size() != 4)
        fail(op, "mixes a 4-D activation with a rank-" + std::to_string(val(op.input(i)).shape.size()) + " one");
    const uint32_t a = operand(0), b = operand(1);
    const uint32_t out = output(op, nhwc);
    check(xnn_define_binary(sg_, binary_kind(op), nullptr, a, b, out, 0), &op, "the elementwise operation");
  }

  static bool is_arithmetic(const Op& op) { return op.type == "Add" || op.type == "Sub" || op.type == "Mul" || op.type == "Div"; }

  static xnn_binary_operator binary_kind(const Op& op) {
    return op.type == "Add" ? xnn_binary_add : op.type == "Sub" ? xnn_binary_subtract
         : op.type == "Mul" ? xnn_binary_multiply : xnn_binary_divide;
  }

  void lower_resize(const Op& op) {
    if (const Op* conv = pointwise_conv_after(op)) return lower_pointwise_conv_then_resize(op, *conv);
    if (elementwise_after_nearest(op)) return;  // lowered with that op, once its other operand exists
    define_resize(op, as_nhwc(op, 0), val(op.input(0)).shape, val(op.outputs[0]).shape, output(op, true));
  }

  // The Add/Sub/Mul/Div that alone reads a nearest upsampling, with another activation of the
  // same shape (FastDepth's skip connections), if any: one broadcast op does both, and the
  // upsampled tensor is never written.
  const Op* elementwise_after_nearest(const Op& resize) const {
    if (resize.attr_string("mode", "nearest") != "nearest") return nullptr;
    const int out = resize.outputs[0], index = sole_reader(out);
    if (index < 0) return nullptr;
    const Op& binary = g_.ops[size_t(index)];
    if (!is_arithmetic(binary)) return nullptr;
    const int other = binary.input(0) == out ? binary.input(1) : binary.input(0);
    if (other == out || val(other).is_const || val(other).shape != val(out).shape) return nullptr;
    return &binary;
  }

  // `in`/`out`: NHWC tensors of the NCHW shapes xs/ys.
  // `with`: an elementwise op fused into a nearest upsampling (see define_resize_nearest).
  void define_resize(const Op& op, uint32_t in, const Shape& xs, const Shape& ys, uint32_t out,
                     const Elementwise* with = nullptr) {
    if (ys[0] != xs[0] || ys[1] != xs[1]) fail(op, "only spatial (height/width) resizing is supported");
    const std::string mode = op.attr_string("mode", "nearest");
    const std::string coord = op.attr_string("coordinate_transformation_mode", "half_pixel");
    if (mode == "nearest") return define_resize_nearest(op, in, xs, ys, coord, out, with);
    if (mode != "linear")  // cubic resizes of constants (position embeddings) are folded in ir/
      fail(op, "mode '" + mode + "' is supported only for constant tensors (computed tensors: nearest or linear)");
    uint32_t flags = 0;
    if (coord == "align_corners") flags = XNN_FLAG_ALIGN_CORNERS;
    else if (coord == "asymmetric") flags = XNN_FLAG_TENSORFLOW_LEGACY_MODE;
    else if (coord != "half_pixel" && coord != "pytorch_half_pixel") fail(op, "coordinate mode '" + coord + "' is not supported");
    check(xnn_define_static_resize_bilinear_2d(sg_, size_t(ys[2]), size_t(ys[3]), in, out, flags), &op, "the resize");
  }

  // Nearest upsampling by whole factors, asymmetric + floor: every pixel repeated sh×sw times,
  // done as [N,H,1,W,1,C] + zeros[1,1,sh,1,sw,1] (broadcast) reshaped to [N,H*sh,W*sw,C]. With
  // `with`, the zeros are instead its other operand seen as [N,H,sh,W,sw,C], and + its kind.
  void define_resize_nearest(const Op& op, uint32_t in, const Shape& xs, const Shape& ys, const std::string& coord,
                             uint32_t out, const Elementwise* with = nullptr) {
    const std::string nearest = op.attr_string("nearest_mode", "round_prefer_floor");
    const bool whole = ys[2] % xs[2] == 0 && ys[3] % xs[3] == 0;
    if (!whole || coord != "asymmetric" || nearest != "floor")
      fail(op, "nearest resize is supported for whole upscaling factors with asymmetric/floor (got " + coord + "/" + nearest + ")");
    const int64_t sh = ys[2] / xs[2], sw = ys[3] / xs[3], N = xs[0], C = xs[1], H = xs[2], W = xs[3];
    const uint32_t split = tensor({N, H, 1, W, 1, C});
    const size_t split_dims[6] = {size_t(N), size_t(H), 1, size_t(W), 1, size_t(C)};
    check(xnn_define_static_reshape(sg_, 6, split_dims, in, split, 0), &op, "the resize reshape");
    const uint32_t spread = tensor({N, H, sh, W, sw, C});
    if (with == nullptr) {
      const uint32_t zeros = tensor({1, 1, sh, 1, sw, 1}, own(std::vector<float>(size_t(sh * sw), 0.0f)));
      check(xnn_define_binary(sg_, xnn_binary_add, nullptr, split, zeros, spread, 0), &op, "the resize broadcast");
    } else {
      const uint32_t other = tensor({N, H, sh, W, sw, C});
      const size_t other_dims[6] = {size_t(N), size_t(H), size_t(sh), size_t(W), size_t(sw), size_t(C)};
      check(xnn_define_static_reshape(sg_, 6, other_dims, with->other, other, 0), &op, "the resize reshape");
      check(xnn_define_binary(sg_, with->kind, nullptr, with->other_first ? other : split, with->other_first ? split : other,
                              spread, 0),
            &op, "the resize broadcast");
    }
    const size_t out_dims[4] = {size_t(N), size_t(ys[2]), size_t(ys[3]), size_t(C)};
    check(xnn_define_static_reshape(sg_, 4, out_dims, spread, out, 0), &op, "the resize reshape");
  }

  // A 1x1 convolution right after an upsampling (MiDaS's fusion blocks, FastDepth's last layer)
  // commutes with it: both are linear, one across channels, one across pixels (resize weights sum
  // to 1, so the bias commutes too). Run first, it works on 4x fewer pixels, and the resize on
  // fewer channels. A fused Clip/Relu commutes with nearest only.
  const Op* pointwise_conv_after(const Op& resize) const {
    const int r = resize.outputs.at(0), index = sole_reader(r);
    if (index < 0) return nullptr;
    const Op& conv = g_.ops[size_t(index)];
    if (conv.type != "Conv" || conv.input(0) != r || conv.folded || skip_[size_t(index)]) return nullptr;
    const ir::Value& w = val(conv.input(1));
    const Shape& xs = val(resize.input(0)).shape;
    const Shape& ys = val(r).shape;
    const auto ones = [&](const char* a) { const auto v = conv.attr_ints(a); return v.empty() || v == std::vector<int64_t>(v.size(), 1); };
    const auto pads = conv.attr_ints("pads");
    if (!w.is_const || w.shape.size() != 4 || w.shape[2] != 1 || w.shape[3] != 1 || conv.attr_int("group", 1) != 1 ||
        !ones("strides") || !ones("dilations") || !(pads.empty() || pads == std::vector<int64_t>(pads.size(), 0)) ||
        xs.size() != 4 || ys[2] * ys[3] <= xs[2] * xs[3] || w.shape[0] > w.shape[1])
      return nullptr;
    float lo = 0, hi = 0;
    if (activation_after(conv, &lo, &hi) >= 0 && resize.attr_string("mode", "nearest") != "nearest") return nullptr;
    return &conv;
  }

  void lower_pointwise_conv_then_resize(const Op& resize, const Op& conv) {
    float lo = -kInf, hi = kInf;
    const Op* act = fusable_activation(conv, &lo, &hi);
    skip_[size_t(index_of(&conv))] = true;
    const Shape& xs = val(resize.input(0)).shape;
    const Shape& ys = val(conv.outputs[0]).shape;
    const Shape mid = {xs[0], ys[1], xs[2], xs[3]};
    const uint32_t t = tensor(to_nhwc(mid));
    define_conv(conv, as_nhwc(resize, 0), xs, mid, t, lo, hi);
    define_resize(resize, t, mid, ys, output(act ? *act : conv, true));
  }

  void lower_concat(const Op& op) {
    const bool nhwc = input_nhwc(op, 0);
    const size_t rank = val(op.outputs[0]).shape.size();
    int64_t axis = op.attr_int("axis", 0);
    if (axis < 0) axis += int64_t(rank);
    if (nhwc) axis = int64_t(std::find(std::begin(kNchwToNhwc), std::end(kNchwToNhwc), size_t(axis)) - std::begin(kNchwToNhwc));
    std::vector<uint32_t> ins;
    for (size_t i = 0; i < op.inputs.size(); ++i) ins.push_back(nhwc ? as_nhwc(op, i) : plain(op, i));
    const uint32_t out = output(op, nhwc);
    xnn_status s = xnn_status_invalid_parameter;
    const auto a = int32_t(axis);
    switch (ins.size()) {
      case 2: s = xnn_define_concatenate2(sg_, a, ins[0], ins[1], out, 0); break;
      case 3: s = xnn_define_concatenate3(sg_, a, ins[0], ins[1], ins[2], out, 0); break;
      case 4: s = xnn_define_concatenate4(sg_, a, ins[0], ins[1], ins[2], ins[3], out, 0); break;
      case 5: s = xnn_define_concatenate5(sg_, a, ins[0], ins[1], ins[2], ins[3], ins[4], out, 0); break;
      default: fail(op, "concatenating " + std::to_string(ins.size()) + " inputs is not supported");
    }
    check(s, &op, "the concatenation");
  }

  // Shape-only ops. From NHWC, only those that keep the data order: a single channel dropped or
  // added (C == 1) is the same in both layouts.
  void lower_reshape(const Op& op) {
    const Shape& xs = val(op.input(0)).shape;
    const Shape& ys = val(op.outputs[0]).shape;
    // A single channel is laid out the same in NCHW and NHWC: no transpose needed then.
    const bool single_channel = input_nhwc(op, 0) && xs[1] == 1;
    const bool nhwc_out = single_channel && ys.size() == 4 && ys[1] == 1;
    const uint32_t in = single_channel ? input(op, 0) : plain(op, 0);
    const uint32_t out = output(op, nhwc_out);
    const auto d = dims_of(nhwc_out ? to_nhwc(ys) : ys);
    check(xnn_define_static_reshape(sg_, d.size(), d.data(), in, out, 0), &op, "the reshape");
  }
  void lower_transpose(const Op& op) {
    const Shape& xs = val(op.input(0)).shape;
    std::vector<size_t> perm;
    for (int64_t p : op.attr_ints("perm")) perm.push_back(size_t(p < 0 ? p + int64_t(xs.size()) : p));
    if (perm.empty()) for (size_t k = xs.size(); k-- > 0;) perm.push_back(k);
    const uint32_t in = plain(op, 0);
    const uint32_t out = output(op, false);
    check(xnn_define_static_transpose(sg_, perm.size(), perm.data(), in, out, 0), &op, "the transpose");
  }

  void lower_slice(const Op& op) {
    const Shape& xs = val(op.input(0)).shape;
    const Shape& ys = val(op.outputs[0]).shape;
    const ir::Value& starts = val(op.input(1));
    std::vector<int64_t> axes;
    if (op.input(3) >= 0) axes = val(op.input(3)).i64;
    if (axes.empty()) for (size_t i = 0; i < starts.i64.size(); ++i) axes.push_back(int64_t(i));
    if (op.input(4) >= 0)
      for (int64_t step : val(op.input(4)).i64)
        if (step != 1) fail(op, "only step 1 is supported on computed tensors");
    std::vector<size_t> offsets(xs.size(), 0), sizes(ys.begin(), ys.end());
    for (size_t i = 0; i < axes.size(); ++i) {
      const size_t a = size_t(axes[i] < 0 ? axes[i] + int64_t(xs.size()) : axes[i]);
      int64_t b = starts.i64.at(i);
      if (b < 0) b += xs[a];
      offsets[a] = size_t(std::clamp<int64_t>(b, 0, xs[a]));
    }
    const uint32_t in = plain(op, 0);
    const uint32_t out = output(op, false);
    check(xnn_define_static_slice(sg_, offsets.size(), offsets.data(), sizes.data(), in, out, 0), &op, "the slice");
  }

  // A constant 2-D right operand makes a fully-connected layer (with the next Add's constant
  // bias fused); two computed operands a batched matrix multiply.
  void lower_matmul(const Op& op) {
    const ir::Value& b = val(op.input(1));
    if (val(op.input(0)).is_const) fail(op, "a constant left operand is not supported");
    const uint32_t a = plain(op, 0);
    if (!b.is_const) {
      const uint32_t bid = plain(op, 1);
      const uint32_t out = output(op, false);
      check(xnn_define_batch_matrix_multiply(sg_, a, bid, out, 0), &op, "the batch matrix multiply");
      return;
    }
    if (b.shape.size() != 2) fail(op, "a constant right operand must be 2-D");
    const bool int8 = int8_ && int8_weights(g_, op);
    uint32_t wid = XNN_INVALID_VALUE_ID;
    if (int8) {  // quantized per output column: re-laid as [N, K] rows
      const int64_t K = b.shape[0], N = b.shape[1];
      wid = quantized_filter(op.input(1), {N, K}, [&] {
        std::vector<float> t(b.f32.size());
        for (int64_t k = 0; k < K; ++k)
          for (int64_t n = 0; n < N; ++n) t[size_t(n * K + k)] = b.f32[size_t(k * N + n)];
        return t;
      });
    } else {
      wid = tensor(b.shape, constant_data(op.input(1)));
    }
    uint32_t bias = XNN_INVALID_VALUE_ID;
    const Op* add = fusable_bias(op, b.shape[1]);
    if (add != nullptr) {
      const int c = val(add->input(0)).is_const ? add->input(0) : add->input(1);
      bias = tensor({b.shape[1]}, constant_data(c));
    }
    const uint32_t in = int8 ? quantize_activation(op, a, val(op.input(0)).shape, 1) : a;
    const uint32_t out = output(add ? *add : op, false);
    check(xnn_define_fully_connected(sg_, -kInf, kInf, in, wid, bias, out, int8 ? 0 : XNN_FLAG_TRANSPOSE_WEIGHTS), &op,
          "the fully-connected layer");
  }

  // The Add reading only this op's output with a constant [N] bias, if any (then skipped).
  const Op* fusable_bias(const Op& op, int64_t n) {
    const int out = op.outputs.at(0), index = sole_reader(out);
    if (index < 0) return nullptr;
    const Op& add = g_.ops[size_t(index)];
    if (add.type != "Add") return nullptr;
    const int other = add.input(0) == out ? add.input(1) : add.input(0);
    if (!val(other).is_const || val(other).shape != Shape{n}) return nullptr;
    skip_[size_t(index)] = true;
    return &add;
  }

  // LayerNormalization and Softmax are lowered over the last axis of an input of rank >= 1 only.
  static void require_last_axis(const Op& op, const Shape& xs, const std::string& what) {
    if (xs.empty()) fail(op, "needs an input of rank 1 or more");
    const int64_t axis = op.attr_int("axis", -1);
    if (axis != -1 && axis != int64_t(xs.size()) - 1) fail(op, "only " + what + " over the last axis is supported");
  }

  // y = (x - mean) / sqrt(var + eps) * scale + bias over the last axis, from XNNPACK ops.
  void lower_layer_norm(const Op& op) {
    const Shape& xs = val(op.input(0)).shape;
    require_last_axis(op, xs, "normalisation");
    Shape reduced = xs;
    reduced.back() = 1;
    const size_t last = xs.size() - 1;
    const uint32_t x = plain(op, 0);
    // A scale of ones and a bias of zeros (left by ir::fold_weights) cost no passes.
    const bool scale = !all_equal(op.input(1), 1.0f), bias = op.input(2) >= 0 && !all_equal(op.input(2), 0.0f);
    const uint32_t out = output(op, false);
    const uint32_t mean = tensor(reduced), centered = tensor(xs), sq = tensor(xs), var = tensor(reduced),
                   var_eps = tensor(reduced), inv = tensor(reduced), normed = scale || bias ? tensor(xs) : out;
    const uint32_t eps = tensor({}, own({op.attr_float("epsilon", 1e-5f)}));
    check(xnn_define_static_reduce(sg_, xnn_reduce_mean, 1, &last, x, mean, XNN_FLAG_KEEP_DIMS), &op, "the mean");
    check(xnn_define_binary(sg_, xnn_binary_subtract, nullptr, x, mean, centered, 0), &op, "the centring");
    check(xnn_define_unary(sg_, xnn_unary_square, nullptr, centered, sq, 0), &op, "the square");
    check(xnn_define_static_reduce(sg_, xnn_reduce_mean, 1, &last, sq, var, XNN_FLAG_KEEP_DIMS), &op, "the variance");
    check(xnn_define_binary(sg_, xnn_binary_add, nullptr, var, eps, var_eps, 0), &op, "the epsilon");
    check(xnn_define_unary(sg_, xnn_unary_reciprocal_square_root, nullptr, var_eps, inv, 0), &op, "the rsqrt");
    check(xnn_define_binary(sg_, xnn_binary_multiply, nullptr, centered, inv, normed, 0), &op, "the normalisation");
    const uint32_t scaled = !scale ? normed : bias ? tensor(xs) : out;
    if (scale) check(xnn_define_binary(sg_, xnn_binary_multiply, nullptr, normed, input(op, 1), scaled, 0), &op, "the scale");
    if (bias) check(xnn_define_binary(sg_, xnn_binary_add, nullptr, scaled, input(op, 2), out, 0), &op, "the bias");
  }

  bool all_equal(int v, float x) const {
    const ir::Value& c = val(v);
    return c.is_const && std::all_of(c.f32.begin(), c.f32.end(), [&](float f) { return f == x; });
  }

  void lower_softmax(const Op& op) {
    const Shape& xs = val(op.input(0)).shape;
    require_last_axis(op, xs, "softmax");
    const uint32_t in = plain(op, 0);
    check(xnn_define_softmax(sg_, in, output(op, false), 0), &op, "the softmax");
  }

  // x * 0.5 * (1 + erf(x / sqrt(2))) as exported by PyTorch (the Muls in either order).
  void find_gelu_patterns() {
    for (size_t i = 0; i < g_.ops.size(); ++i) {
      const Op& erf = g_.ops[i];
      if (erf.type != "Erf" || erf.folded) continue;
      const Op* scale = producer(erf.input(0));
      if (!scale || (scale->type != "Div" && scale->type != "Mul") || !is_scalar(scale->input(1))) continue;
      const float k = val(scale->input(1)).f32[0];
      if (std::fabs((scale->type == "Div" ? k : 1.0f / k) - std::sqrt(2.0f)) > 1e-3f) continue;
      const int x = scale->input(0);
      std::vector<int> ops = {index_of(scale), int(i)};
      const Op* add = only_reader(erf.outputs[0], ops);
      if (!add || add->type != "Add" || !scalar_is(add->input(0) == erf.outputs[0] ? add->input(1) : add->input(0), 1.0f)) continue;
      int result = add->outputs[0];
      bool half = false, times_x = false;
      for (int step = 0; step < 2; ++step) {
        const Op* mul = only_reader(result, ops);
        if (!mul || mul->type != "Mul") break;
        const int other = mul->input(0) == result ? mul->input(1) : mul->input(0);
        if (other == x && !times_x) times_x = true;
        else if (scalar_is(other, 0.5f) && !half) half = true;
        else break;
        result = mul->outputs[0];
      }
      if (!half || !times_x) continue;
      for (int o : ops) skip_[size_t(o)] = true;
      gelu_[ops.front()] = {x, result};
    }
  }

  void lower_gelu(const Op& op, std::pair<int, int> io) {
    const uint32_t in = nhwc_[size_t(io.first)] ? id_[size_t(io.first)] : input_of(op, io.first);
    const int v = io.second;
    nhwc_[size_t(v)] = nhwc_[size_t(io.first)];
    id_[size_t(v)] = tensor(nhwc_[size_t(v)] ? to_nhwc(val(v).shape) : val(v).shape);
    check(xnn_define_unary(sg_, xnn_unary_gelu, nullptr, in, id_[size_t(v)], 0), &op, "the GELU");
  }

  uint32_t input_of(const Op& op, int v) {
    if (id_[size_t(v)] == XNN_INVALID_VALUE_ID) fail(op, "input '" + val(v).name + "' was not computed");
    return id_[size_t(v)];
  }
  const Op* producer(int v) const { return v >= 0 && val(v).producer >= 0 ? &g_.ops[size_t(val(v).producer)] : nullptr; }
  int index_of(const Op* op) const { return int(op - g_.ops.data()); }
  bool is_scalar(int v) const { return v >= 0 && val(v).is_const && val(v).dtype == ir::DType::F32 && val(v).f32.size() == 1; }
  bool scalar_is(int v, float want) const { return is_scalar(v) && std::fabs(val(v).f32[0] - want) < 1e-6f; }
  // The index of the single op reading v (no graph output does), or -1.
  int sole_reader(int v) const { return val(v).consumers == 1 && readers_[size_t(v)].size() == 1 ? readers_[size_t(v)][0] : -1; }
  // The single op reading v (appended to `chain`), or nullptr.
  const Op* only_reader(int v, std::vector<int>& chain) const {
    const int index = sole_reader(v);
    if (index < 0) return nullptr;
    chain.push_back(index);
    return &g_.ops[size_t(index)];
  }
};

}  // namespace

bool int8_weights(const ir::Graph& g, const ir::Op& op) {
  const int w = op.input(1);
  if (op.removed || op.folded || w < 0 || !g.values[size_t(w)].initializer) return false;
  if (op.type == "MatMul") return g.values[size_t(w)].shape.size() == 2;
  return op.type == "Conv" && op.attr_int("group", 1) == 1;
}

size_t SharedWeights::capacity_for(const ir::Graph& g, bool int8) {
  std::vector<bool> quantized(g.values.size());
  if (int8)
    for (const ir::Op& op : g.ops)
      if (int8_weights(g, op)) quantized[size_t(op.input(1))] = true;
  size_t bytes = 0;
  for (size_t v = 0; v < g.values.size(); ++v)
    if (g.values[v].initializer) bytes += g.values[v].f32.size() * (quantized[v] ? sizeof(int8_t) : sizeof(float));
  return bytes + bytes / 8 + (1u << 20);  // plus padding to kernel tiles
}

SharedWeights::~SharedWeights() {
  if (cache_) xnn_delete_weights_cache(cache_);
}

const float* SharedWeights::relaid(int value, const std::function<std::vector<float>()>& make) {
  auto it = relaid_.find(value);
  if (it == relaid_.end()) it = relaid_.emplace(value, make()).first;
  return it->second.data();
}

const SharedWeights::Quantized& SharedWeights::quantized(int value, size_t rows, size_t cols,
                                                         const std::function<std::vector<float>()>& make) {
  auto it = quantized_.find(value);
  if (it != quantized_.end()) return it->second;
  const std::vector<float> matrix = make();
  Quantized q;
  q.data.resize(rows * cols);
  q.scale.assign(rows + XNN_EXTRA_BYTES / sizeof(float), 1.0f);
  for (size_t r = 0; r < rows; ++r) {
    const float* row = matrix.data() + r * cols;
    float max_abs = 0.0f;
    for (size_t c = 0; c < cols; ++c) max_abs = std::max(max_abs, std::fabs(row[c]));
    const float scale = max_abs > 0.0f ? max_abs / 127.0f : 1.0f;
    q.scale[r] = scale;
    for (size_t c = 0; c < cols; ++c) q.data[r * cols + c] = int8_t(std::lrint(row[c] / scale));
  }
  return quantized_.emplace(value, std::move(q)).first->second;
}

xnn_weights_cache_provider* SharedWeights::cache() {
  if (cache_ == nullptr) check(xnn_create_weights_cache_with_size(capacity_, &cache_), nullptr, "weights cache creation");
  return cache_;
}

void SharedWeights::seal() {
  if (!sealed_) check(xnn_finalize_weights_cache(cache(), xnn_weights_cache_finalization_kind_soft), nullptr, "weights cache");
  sealed_ = true;
}

Runtime::Runtime(const ir::Graph& g, pthreadpool* pool, SharedWeights& shared, const RuntimeOptions& options) {
  const uint32_t flags = options.profile ? XNN_FLAG_BASIC_PROFILING : 0;
  const uint32_t externals = uint32_t(g.inputs.size() + g.outputs.size());
  check(xnn_create_subgraph(externals, 0, &subgraph_), nullptr, "subgraph creation");
  try {
    Lowering(g, subgraph_, owned_, shared, options.int8).lower(input_ids_, output_ids_);
    // Packed weights come from (or go into) the model's shared cache; a later size that needs
    // weights the sealed cache lacks gets private ones instead.
    if (xnn_create_runtime_v3(subgraph_, shared.cache(), pool, flags, &runtime_) != xnn_status_success) {
      runtime_ = nullptr;
      if (!shared.sealed()) throw ModelError("XNNPACK could not create the runtime (out of memory?)");
      check(xnn_create_runtime_v3(subgraph_, nullptr, pool, flags, &runtime_), nullptr, "runtime creation (out of memory?)");
    }
    shared.seal();
    check(xnn_reshape_runtime(runtime_), nullptr, "runtime reshape");
  } catch (...) {
    if (runtime_) xnn_delete_runtime(runtime_);
    xnn_delete_subgraph(subgraph_);
    throw;
  }
  for (int v : g.inputs)
    input_copies_.emplace_back(ir::element_count(g.values[size_t(v)].shape) + XNN_EXTRA_BYTES / sizeof(float), 0.0f);
}

Runtime::~Runtime() {
  if (runtime_) xnn_delete_runtime(runtime_);
  if (subgraph_) xnn_delete_subgraph(subgraph_);
}

void Runtime::run(const std::vector<const float*>& inputs, const std::vector<float*>& outputs) {
  if (inputs.size() != input_ids_.size() || outputs.size() != output_ids_.size())
    throw ModelError("wrong number of inputs or outputs for this model");
  std::vector<xnn_external_value> ext;
  for (size_t i = 0; i < inputs.size(); ++i) {
    std::vector<float>& copy = input_copies_[i];  // XNNPACK may read past the end: use a padded copy
    std::copy(inputs[i], inputs[i] + copy.size() - XNN_EXTRA_BYTES / sizeof(float), copy.begin());
    ext.push_back({input_ids_[i], copy.data()});
  }
  for (size_t i = 0; i < outputs.size(); ++i) ext.push_back({output_ids_[i], outputs[i]});
  check(xnn_setup_runtime_v2(runtime_, ext.size(), ext.data()), nullptr, "runtime setup");
  check(xnn_invoke_runtime(runtime_), nullptr, "inference");
}

std::vector<std::pair<std::string, uint64_t>> Runtime::profile() const {
  size_t count = 0, size = 0;
  if (xnn_get_runtime_profiling_info(runtime_, xnn_profile_info_num_operators, sizeof count, &count, &size) !=
          xnn_status_success ||
      count == 0)
    return {};
  xnn_get_runtime_profiling_info(runtime_, xnn_profile_info_operator_name, 0, nullptr, &size);
  std::vector<char> names(size);
  std::vector<uint64_t> times(count);
  if (xnn_get_runtime_profiling_info(runtime_, xnn_profile_info_operator_name, names.size(), names.data(), &size) !=
          xnn_status_success ||
      xnn_get_runtime_profiling_info(runtime_, xnn_profile_info_operator_timing, times.size() * sizeof(uint64_t),
                                     times.data(), &size) != xnn_status_success)
    return {};
  std::vector<std::pair<std::string, uint64_t>> result;
  const char* name = names.data();
  for (size_t i = 0; i < count; ++i, name += std::strlen(name) + 1) result.emplace_back(name, times[i]);
  return result;
}

}  // namespace dv::xnn
