// Conv and ConvTranspose (2-D, NHWC inside XNNPACK). Weights are re-laid once per model; int8 mode
// quantizes non-grouped Conv filters per output channel.
#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

#include "engine/ops/conv.h"
#include "engine/ops/infer_helpers.h"
#include "engine/ops/registry.h"
#include "engine/xnn/emitter.h"
#include "engine/xnn/layout.h"

namespace dv::ops {

int64_t patch_size(const Graph& g, const Op& op) {
  const int w = op.input(1);
  if (w < 0 || !g.values[size_t(w)].shape_known || g.values[size_t(w)].shape.size() != 4) return 1;
  const Shape& ws = g.values[size_t(w)].shape;
  std::vector<int64_t> kernel = op.attr_ints("kernel_shape");
  if (kernel.empty()) kernel = {ws[2], ws[3]};  // exporters may leave it to the weight
  const std::vector<int64_t> strides = op.attr_ints("strides"), pads = op.attr_ints("pads"),
                             dilations = op.attr_ints("dilations");
  const std::string auto_pad = op.attr_string("auto_pad", "NOTSET");
  auto all = [](const std::vector<int64_t>& v, int64_t x) {
    return std::all_of(v.begin(), v.end(), [&](int64_t a) { return a == x; });
  };
  auto sane = [](int64_t k) { return k >= 1 && k <= (int64_t(1) << 20); };  // attributes come from the file
  if (kernel.size() != 2 || !sane(kernel[0]) || !sane(kernel[1]) || strides != kernel || !all(pads, 0) ||
      !all(dilations, 1) || (auto_pad != "NOTSET" && auto_pad != "VALID"))
    return 1;
  return std::lcm(kernel[0], kernel[1]);
}

namespace {

struct Window {
  std::vector<int64_t> strides, dilations, pads, output_padding;
};

Window window_of(const Op& op) {
  Window w{op.attr_ints("strides"), op.attr_ints("dilations"), op.attr_ints("pads"), op.attr_ints("output_padding")};
  if (w.strides.empty()) w.strides = {1, 1};
  if (w.dilations.empty()) w.dilations = {1, 1};
  if (w.pads.empty()) w.pads = {0, 0, 0, 0};
  return w;
}

Shape conv_output(const Graph& g, const Op& op, bool transposed) {
  const Shape& x = in(g, op, 0).shape;
  const Shape& w = in(g, op, 1).shape;
  if (x.size() != 4 || w.size() != 4)
    unsupported(op, "only 2-D convolutions (4-D tensors) are supported, got " + ir::to_string(x));
  const int64_t group = op.attr_int("group", 1);
  const Window win = window_of(op);
  const std::string auto_pad = op.attr_string("auto_pad", "NOTSET");
  // Attributes from the file are checked before any arithmetic uses them (fuzzing found reads past
  // short arrays).
  auto in_range = [](const std::vector<int64_t>& v, int64_t lo) {
    return std::all_of(v.begin(), v.end(), [&](int64_t a) { return a >= lo && a <= (int64_t(1) << 20); });
  };
  const auto& out_pad = win.output_padding;
  if (win.strides.size() != 2 || win.dilations.size() != 2 || win.pads.size() != 4 ||
      !(out_pad.empty() || out_pad.size() == 2) || !in_range(win.strides, 1) || !in_range(win.dilations, 1) ||
      !in_range(win.pads, 0) || !in_range(out_pad, 0) || !in_range(w, 1) || group < 1 || group > (int64_t(1) << 20))
    fail(op, "invalid strides, dilations, pads, output_padding, group or kernel size");
  Shape o = {x[0], transposed ? w[1] * group : w[0], 0, 0};
  const int64_t want = transposed ? w[0] : w[1] * group;
  if (x[1] != want) fail(op, "input has " + std::to_string(x[1]) + " channels, weights expect " + std::to_string(want));
  // A patch embedding (ViTs such as Depth Anything) needs sides that are whole multiples of the
  // patch; say so instead of failing later in a reshape.
  if (const int64_t patch = transposed ? 1 : patch_size(g, op); patch > 1 && (x[2] % patch != 0 || x[3] % patch != 0))
    fail(op, "the input size " + std::to_string(x[2]) + "x" + std::to_string(x[3]) +
                 " is not a multiple of the patch size " + std::to_string(patch) +
                 " (this model needs height and width that are multiples of " + std::to_string(patch) + ")");
  for (size_t k = 0; k < 2; ++k) {
    const int64_t kernel = (w[2 + k] - 1) * win.dilations[k] + 1;
    if (transposed) {
      o[2 + k] =
          win.strides[k] * (x[2 + k] - 1) + (out_pad.empty() ? 0 : out_pad[k]) + kernel - win.pads[k] - win.pads[k + 2];
    } else if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      o[2 + k] = (x[2 + k] + win.strides[k] - 1) / win.strides[k];
    } else {
      const int64_t p = auto_pad == "VALID" ? 0 : win.pads[k] + win.pads[k + 2];
      o[2 + k] = (x[2 + k] + p - kernel) / win.strides[k] + 1;
    }
  }
  return o;
}

void require_constant_weights(const Graph& g, const Op& op) {
  if (!in(g, op, 1).is_const) fail(op, "weights must be constant");
  if (op.input(2) >= 0 && !in(g, op, 2).is_const) fail(op, "the bias must be constant");
}

void infer_conv(Graph& g, Op& op) {
  set_shape(g, op, conv_output(g, op, op.type == "ConvTranspose"), DType::F32);
  require_constant_weights(g, op);
  if (in(g, op, 0).is_const) unsupported(op, "convolving a constant is not supported");
}

// Pads as XNNPACK takes them (top, left, bottom, right in ONNX order), auto_pad resolved.
std::vector<int64_t> resolved_pads(const Op& op, const Window& win, const Shape& xs, const Shape& ys, const Shape& ws) {
  const std::string auto_pad = op.attr_string("auto_pad", "NOTSET");
  std::vector<int64_t> pads = win.pads;
  if (auto_pad == "VALID") return {0, 0, 0, 0};
  if (auto_pad != "SAME_UPPER" && auto_pad != "SAME_LOWER") return pads;
  for (size_t k = 0; k < 2; ++k) {
    const int64_t total =
        std::max<int64_t>(0, (ys[2 + k] - 1) * win.strides[k] + (ws[2 + k] - 1) * win.dilations[k] + 1 - xs[2 + k]);
    pads[k] = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
    pads[k + 2] = total - pads[k];
  }
  return pads;
}

void lower_conv(xnn::Emitter& e, const ir::FusedOp& op) {
  define_conv(e, op, e.as_nhwc(op, 0), e.val(op.input(0)).shape, e.val(op.outputs[0]).shape, e.output(op, true),
              op.clamp_min, op.clamp_max);
}

// ConvTranspose weights [I, O/g, kh, kw] → XNNPACK's [g * O/g, kh, kw, I/g].
void lower_conv_transpose(xnn::Emitter& e, const ir::FusedOp& op) {
  const Value& w = e.val(op.input(1));
  const Shape& ws = w.shape;
  const int64_t I = ws[0], OG = ws[1], KH = ws[2], KW = ws[3], group = op.attr_int("group", 1), IG = I / group;
  const float* relaid = e.relaid_weights(op.input(1), [&] {
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
  const uint32_t wid = e.tensor({group * OG, KH, KW, IG}, relaid);
  const uint32_t bid = op.input(2) >= 0 ? e.input(op, 2) : XNN_INVALID_VALUE_ID;
  const Window win = window_of(op);
  const std::vector<int64_t> adj = win.output_padding.empty() ? std::vector<int64_t>{0, 0} : win.output_padding;
  if (op.attr_string("auto_pad", "NOTSET") != "NOTSET") unsupported(op, "auto_pad is not supported for ConvTranspose");
  const auto& p = win.pads;
  const uint32_t x = e.as_nhwc(op, 0);
  xnn::check(xnn_define_deconvolution_2d(e.subgraph(), uint32_t(p[0]), uint32_t(p[3]), uint32_t(p[2]), uint32_t(p[1]),
                                         uint32_t(adj[0]), uint32_t(adj[1]), uint32_t(KH), uint32_t(KW),
                                         uint32_t(win.strides[0]), uint32_t(win.strides[1]), uint32_t(win.dilations[0]),
                                         uint32_t(win.dilations[1]), uint32_t(group), size_t(IG), size_t(OG), op.clamp_min,
                                         op.clamp_max, x, wid, bid, e.output(op, true), 0),
             &op, "the transposed convolution");
}

// Conv weights [O, I/g, kh, kw] → XNNPACK's [O, kh, kw, I/g].
template <typename T>
std::vector<T> to_ohwi(const std::vector<T>& w, int64_t O, int64_t I, int64_t KH, int64_t KW) {
  std::vector<T> r(w.size());
  for (int64_t o = 0; o < O; ++o)
    for (int64_t i = 0; i < I; ++i)
      for (int64_t y = 0; y < KH; ++y)
        for (int64_t x = 0; x < KW; ++x)
          r[size_t(((o * KH + y) * KW + x) * I + i)] = w[size_t(((o * I + i) * KH + y) * KW + x)];
  return r;
}

// A quantized model's int8 filter re-laid, or the int8 mode's quantization of the float one.
ir::Int8Weights int8_ohwi(const Value& w, int64_t O, int64_t I, int64_t KH, int64_t KW) {
  if (!w.int8) return ir::quantize_rows(size_t(O), size_t(I * KH * KW), to_ohwi(w.f32, O, I, KH, KW));
  ir::Int8Weights r = *w.int8;
  r.data = to_ohwi(w.int8->data, O, I, KH, KW);
  return r;
}

bool int8_conv(const Graph& g, const Op& op) {
  const int w = op.input(1);
  return w >= 0 && g.values[size_t(w)].initializer && op.attr_int("group", 1) == 1;
}

}  // namespace

void define_conv(xnn::Emitter& e, const Op& op, uint32_t in, const Shape& xs, const Shape& ys, uint32_t out, float lo,
                 float hi) {
  const Value& w = e.val(op.input(1));
  const Shape& ws = w.shape;
  const int64_t O = ws[0], I = ws[1], KH = ws[2], KW = ws[3], group = op.attr_int("group", 1);
  const bool int8 = w.int8 || (e.int8() && int8_conv(e.graph(), op));
  const uint32_t wid = int8 ? e.int8_filter(e.shared_int8(op.input(1), [&] { return int8_ohwi(w, O, I, KH, KW); }),
                                            {O, KH, KW, I})
                            : e.tensor({O, KH, KW, I}, e.relaid_weights(op.input(1), [&] { return to_ohwi(w.f32, O, I, KH, KW); }));
  // The bias as [O] (a fused per-channel Add's is [1, O, 1, 1]).
  const uint32_t bid = op.input(2) >= 0 ? e.tensor({O}, e.constant_data(op.input(2))) : XNN_INVALID_VALUE_ID;
  const Window win = window_of(op);
  const std::vector<int64_t> p = resolved_pads(op, win, xs, ys, ws);
  const uint32_t x = int8 ? e.quantize_activation(op, in, xnn::to_nhwc(xs), 3) : in;
  xnn::check(xnn_define_convolution_2d(e.subgraph(), uint32_t(p[0]), uint32_t(p[3]), uint32_t(p[2]), uint32_t(p[1]),
                                       uint32_t(KH), uint32_t(KW), uint32_t(win.strides[0]), uint32_t(win.strides[1]),
                                       uint32_t(win.dilations[0]), uint32_t(win.dilations[1]), uint32_t(group),
                                       size_t(I), size_t(O / group), lo, hi, x, wid, bid, out, 0),
             &op, "the convolution");
}

void add_conv_ops(std::vector<OpDef>& table) {
  table.push_back({"Conv", infer_conv, lower_conv, int8_conv});
  table.push_back({"ConvTranspose", infer_conv, lower_conv_transpose});
}

}  // namespace dv::ops
