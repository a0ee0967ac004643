// IR → XNNPACK subgraph. 4-D activations live in NHWC inside XNNPACK (its convolutions need
// it); the graph's NCHW inputs are transposed once on entry and outputs once on exit.
#include "engine/xnn/runtime.h"

#include <algorithm>
#include <cmath>
#include <limits>
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
  Lowering(const Graph& g, xnn_subgraph_t sg, std::vector<std::vector<float>>& owned)
      : g_(g), sg_(sg), owned_(owned), id_(g.values.size(), XNN_INVALID_VALUE_ID), nhwc_(g.values.size(), false),
        skip_(g.ops.size(), false) {}

  void lower(std::vector<uint32_t>& input_ids, std::vector<uint32_t>& output_ids) {
    uint32_t external = 0;
    for (int v : g_.inputs) input_ids.push_back(define_input(v, external++));
    for (size_t i = 0; i < g_.ops.size(); ++i) {
      const Op& op = g_.ops[i];
      if (op.folded || skip_[i]) continue;
      lower_op(op);
    }
    for (int v : g_.outputs) output_ids.push_back(define_output(v, external++));
  }

 private:
  const Graph& g_;
  xnn_subgraph_t sg_;
  std::vector<std::vector<float>>& owned_;
  std::vector<uint32_t> id_;
  std::vector<bool> nhwc_;
  std::vector<bool> skip_;

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
    if (!val(v).is_const) {
      if (id_[size_t(v)] == XNN_INVALID_VALUE_ID) fail(op, "input '" + val(v).name + "' was not computed");
      return id_[size_t(v)];
    }
    if (val(v).dtype != ir::DType::F32) fail(op, "integer tensors cannot be computed on");
    Shape s = val(v).shape;
    std::vector<float> data = val(v).f32;
    if (nhwc_context && s.size() <= 4) {
      while (s.size() < 4) s.insert(s.begin(), 1);
      std::vector<float> t(data.size());
      const Shape n = to_nhwc(s);
      for (int64_t a = 0; a < s[0]; ++a)
        for (int64_t c = 0; c < s[1]; ++c)
          for (int64_t y = 0; y < s[2]; ++y)
            for (int64_t x = 0; x < s[3]; ++x)
              t[size_t(((a * n[1] + y) * n[2] + x) * n[3] + c)] = data[size_t(((a * s[1] + c) * s[2] + y) * s[3] + x)];
      return tensor(n, own(std::move(t)));
    }
    return tensor(s, own(std::move(data)));
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

  void require_nhwc(const Op& op) const {
    if (!input_nhwc(op, 0)) fail(op, "needs a 4-D activation input (got " + ir::to_string(val(op.input(0)).shape) + ")");
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
    const int out = op.outputs.at(0);
    if (val(out).consumers != 1) return nullptr;
    for (size_t i = 0; i < g_.ops.size(); ++i) {
      const Op& next = g_.ops[i];
      if (next.input(0) != out) continue;
      if (!activation_bounds(next, lo, hi)) return nullptr;
      skip_[i] = true;
      return &next;
    }
    return nullptr;
  }

  void lower_op(const Op& op) {
    const std::string& t = op.type;
    if (t == "Conv") lower_conv(op);
    else if (t == "ConvTranspose") lower_conv_transpose(op);
    else if (t == "Relu" || t == "Clip" || t == "LeakyRelu" || t == "Sigmoid" || t == "Tanh") lower_unary(op);
    else if (t == "Add" || t == "Sub" || t == "Mul" || t == "Div") lower_binary(op);
    else if (t == "Resize") lower_resize(op);
    else if (t == "Concat") lower_concat(op);
    else if (t == "Squeeze" || t == "Reshape" || t == "Unsqueeze" || t == "Identity") lower_reshape(op);
    else throw ModelError("unsupported operator '" + t + "' (node '" + op.name + "')");
  }

  // Conv weights [O, I/g, kh, kw] → XNNPACK's [O, kh, kw, I/g].
  void lower_conv(const Op& op) {
    require_nhwc(op);
    const ir::Value& w = val(op.input(1));
    if (!w.is_const) fail(op, "weights must be constant");
    const Shape& ws = w.shape;
    const int64_t O = ws[0], I = ws[1], KH = ws[2], KW = ws[3], group = op.attr_int("group", 1);
    std::vector<float> packed(w.f32.size());
    for (int64_t o = 0; o < O; ++o)
      for (int64_t i = 0; i < I; ++i)
        for (int64_t y = 0; y < KH; ++y)
          for (int64_t x = 0; x < KW; ++x)
            packed[size_t(((o * KH + y) * KW + x) * I + i)] = w.f32[size_t(((o * I + i) * KH + y) * KW + x)];
    const uint32_t wid = tensor({O, KH, KW, I}, own(std::move(packed)));
    const uint32_t bid = op.input(2) >= 0 ? input(op, 2) : XNN_INVALID_VALUE_ID;
    auto pads = op.attr_ints("pads"), strides = op.attr_ints("strides"), dil = op.attr_ints("dilations");
    if (strides.empty()) strides = {1, 1};
    if (dil.empty()) dil = {1, 1};
    if (pads.empty()) pads = {0, 0, 0, 0};
    const std::string auto_pad = op.attr_string("auto_pad", "NOTSET");
    if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      const Shape& xs = val(op.input(0)).shape;
      const Shape& ys = val(op.outputs[0]).shape;
      for (int k = 0; k < 2; ++k) {
        const int64_t total = std::max<int64_t>(0, (ys[2 + k] - 1) * strides[size_t(k)] + (ws[2 + k] - 1) * dil[size_t(k)] + 1 - xs[2 + k]);
        pads[size_t(k)] = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
        pads[size_t(k) + 2] = total - pads[size_t(k)];
      }
    } else if (auto_pad == "VALID") {
      pads = {0, 0, 0, 0};
    }
    float lo = -kInf, hi = kInf;
    const Op* act = fusable_activation(op, &lo, &hi);
    const uint32_t in = input(op, 0);
    const uint32_t out = output(act ? *act : op, true);
    check(xnn_define_convolution_2d(sg_, uint32_t(pads[0]), uint32_t(pads[3]), uint32_t(pads[2]), uint32_t(pads[1]),
                                    uint32_t(KH), uint32_t(KW), uint32_t(strides[0]), uint32_t(strides[1]),
                                    uint32_t(dil[0]), uint32_t(dil[1]), uint32_t(group), size_t(I), size_t(O / group),
                                    lo, hi, in, wid, bid, out, 0),
          &op, "the convolution");
  }

  // ConvTranspose weights [I, O/g, kh, kw] → XNNPACK's [g * O/g, kh, kw, I/g].
  void lower_conv_transpose(const Op& op) {
    require_nhwc(op);
    const ir::Value& w = val(op.input(1));
    if (!w.is_const) fail(op, "weights must be constant");
    const Shape& ws = w.shape;
    const int64_t I = ws[0], OG = ws[1], KH = ws[2], KW = ws[3], group = op.attr_int("group", 1), IG = I / group;
    std::vector<float> packed(w.f32.size());
    for (int64_t i = 0; i < I; ++i)
      for (int64_t o = 0; o < OG; ++o)
        for (int64_t y = 0; y < KH; ++y)
          for (int64_t x = 0; x < KW; ++x) {
            const int64_t g = i / IG, il = i % IG;
            packed[size_t((((g * OG + o) * KH + y) * KW + x) * IG + il)] = w.f32[size_t(((i * OG + o) * KH + y) * KW + x)];
          }
    const uint32_t wid = tensor({group * OG, KH, KW, IG}, own(std::move(packed)));
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
    const uint32_t in = input(op, 0);
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

  void lower_binary(const Op& op) {
    const bool nhwc = input_nhwc(op, 0) || input_nhwc(op, 1);
    for (size_t i = 0; i < 2; ++i) {
      const int v = op.input(i);
      if (nhwc && !val(v).is_const && !nhwc_[size_t(v)]) fail(op, "mixes a 4-D activation with another layout");
    }
    const uint32_t a = input(op, 0, nhwc), b = input(op, 1, nhwc);
    const uint32_t out = output(op, nhwc);
    const xnn_binary_operator kind = op.type == "Add"   ? xnn_binary_add
                                     : op.type == "Sub" ? xnn_binary_subtract
                                     : op.type == "Mul" ? xnn_binary_multiply
                                                        : xnn_binary_divide;
    check(xnn_define_binary(sg_, kind, nullptr, a, b, out, 0), &op, "the elementwise operation");
  }

  void lower_resize(const Op& op) {
    require_nhwc(op);
    const Shape& xs = val(op.input(0)).shape;
    const Shape& ys = val(op.outputs[0]).shape;
    if (ys[0] != xs[0] || ys[1] != xs[1]) fail(op, "only spatial (height/width) resizing is supported");
    const std::string mode = op.attr_string("mode", "nearest");
    const std::string coord = op.attr_string("coordinate_transformation_mode", "half_pixel");
    const uint32_t in = input(op, 0);
    if (mode == "nearest") return lower_resize_nearest(op, in, xs, ys, coord);
    if (mode != "linear") fail(op, "mode '" + mode + "' is not supported");
    uint32_t flags = 0;
    if (coord == "align_corners") flags = XNN_FLAG_ALIGN_CORNERS;
    else if (coord == "asymmetric") flags = XNN_FLAG_TENSORFLOW_LEGACY_MODE;
    else if (coord != "half_pixel" && coord != "pytorch_half_pixel") fail(op, "coordinate mode '" + coord + "' is not supported");
    const uint32_t out = output(op, true);
    check(xnn_define_static_resize_bilinear_2d(sg_, size_t(ys[2]), size_t(ys[3]), in, out, flags), &op, "the resize");
  }

  // Nearest upsampling by whole factors, asymmetric + floor: every pixel repeated sh×sw times,
  // done as [N,H,1,W,1,C] + zeros[1,1,sh,1,sw,1] (broadcast) reshaped to [N,H*sh,W*sw,C].
  void lower_resize_nearest(const Op& op, uint32_t in, const Shape& xs, const Shape& ys, const std::string& coord) {
    const std::string nearest = op.attr_string("nearest_mode", "round_prefer_floor");
    const bool whole = ys[2] % xs[2] == 0 && ys[3] % xs[3] == 0;
    if (!whole || coord != "asymmetric" || nearest != "floor")
      fail(op, "nearest resize is supported for whole upscaling factors with asymmetric/floor (got " + coord + "/" + nearest + ")");
    const int64_t sh = ys[2] / xs[2], sw = ys[3] / xs[3], N = xs[0], C = xs[1], H = xs[2], W = xs[3];
    const uint32_t split = tensor({N, H, 1, W, 1, C});
    const size_t split_dims[6] = {size_t(N), size_t(H), 1, size_t(W), 1, size_t(C)};
    check(xnn_define_static_reshape(sg_, 6, split_dims, in, split, 0), &op, "the resize reshape");
    const uint32_t zeros = tensor({1, 1, sh, 1, sw, 1}, own(std::vector<float>(size_t(sh * sw), 0.0f)));
    const uint32_t spread = tensor({N, H, sh, W, sw, C});
    check(xnn_define_binary(sg_, xnn_binary_add, nullptr, split, zeros, spread, 0), &op, "the resize broadcast");
    const uint32_t out = output(op, true);
    const size_t out_dims[4] = {size_t(N), size_t(ys[2]), size_t(ys[3]), size_t(C)};
    check(xnn_define_static_reshape(sg_, 4, out_dims, spread, out, 0), &op, "the resize reshape");
  }

  void lower_concat(const Op& op) {
    const bool nhwc = input_nhwc(op, 0);
    const size_t rank = val(op.outputs[0]).shape.size();
    int64_t axis = op.attr_int("axis", 0);
    if (axis < 0) axis += int64_t(rank);
    if (nhwc) axis = int64_t(std::find(std::begin(kNchwToNhwc), std::end(kNchwToNhwc), size_t(axis)) - std::begin(kNchwToNhwc));
    std::vector<uint32_t> ins;
    for (size_t i = 0; i < op.inputs.size(); ++i) {
      if (input_nhwc(op, i) != nhwc) fail(op, "inputs have different layouts");
      ins.push_back(input(op, i, nhwc));
    }
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
    bool nhwc_out = false;
    if (input_nhwc(op, 0)) {
      if (xs[1] != 1) fail(op, "reshaping a multi-channel 4-D activation is not supported yet");
      nhwc_out = ys.size() == 4;
    }
    const uint32_t in = input(op, 0);
    const uint32_t out = output(op, nhwc_out);
    const auto d = dims_of(nhwc_out ? to_nhwc(ys) : ys);
    check(xnn_define_static_reshape(sg_, d.size(), d.data(), in, out, 0), &op, "the reshape");
  }
};

}  // namespace

Runtime::Runtime(const ir::Graph& g, pthreadpool* pool) {
  const uint32_t externals = uint32_t(g.inputs.size() + g.outputs.size());
  check(xnn_create_subgraph(externals, 0, &subgraph_), nullptr, "subgraph creation");
  try {
    Lowering(g, subgraph_, owned_).lower(input_ids_, output_ids_);
    check(xnn_create_runtime_v2(subgraph_, pool, 0, &runtime_), nullptr, "runtime creation (out of memory?)");
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

}  // namespace dv::xnn
