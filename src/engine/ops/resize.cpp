// Resize: of a constant (position embeddings resized to the patch grid), folded per input size
// (ir/fold_resize.cpp); of an activation, bilinear or nearest by whole factors, alone or fused with
// the op that reads it (ir/fuse.h).
#include <cmath>

#include "engine/ir/fold_resize.h"
#include "engine/ops/binary.h"
#include "engine/ops/conv.h"
#include "engine/ops/infer_helpers.h"
#include "engine/ops/registry.h"
#include "engine/xnn/emitter.h"
#include "engine/xnn/layout.h"

namespace dv::ops {
namespace {

using Partner = ir::FusedOp::Partner;

// The Resize input that gives the output size: sizes (opset >= 11, when present and not empty),
// else scales ((X, scales) before opset 11).
bool uses_sizes(const Graph& g, const Op& op) {
  return g.opset >= 11 && op.input(3) >= 0 && !in(g, op, 3).shape.empty() && ir::element_count(in(g, op, 3).shape) > 0;
}
size_t scales_input(const Graph& g) { return g.opset >= 11 ? 2 : 1; }

Shape resize_output(const Graph& g, const Op& op) {
  const Shape& x = in(g, op, 0).shape;
  if (uses_sizes(g, op)) {
    const auto sizes = ints_of(g, op, 3);
    if (sizes.size() != x.size())
      fail(op,
           "sizes has " + std::to_string(sizes.size()) + " values for a rank-" + std::to_string(x.size()) + " input");
    for (int64_t d : sizes)
      if (d < 0 || d > int64_t(ir::kMaxTensorElements)) fail(op, "invalid size " + std::to_string(d));
    return Shape(sizes.begin(), sizes.end());
  }
  const Value& s = in(g, op, scales_input(g));
  if (!s.is_const || s.dtype != DType::F32 || s.f32.size() != x.size())
    fail(op, "needs constant float scales, one per dimension");
  Shape o = x;
  for (size_t i = 0; i < x.size(); ++i) {
    const double size = std::floor(static_cast<double>(x[i]) * s.f32[i]);
    if (!(size >= 0.0 && size <= double(ir::kMaxTensorElements)))
      fail(op, "scale " + std::to_string(s.f32[i]) + " gives an invalid size");
    o[i] = static_cast<int64_t>(size);
  }
  return o;
}

void infer_resize(Graph& g, Op& op) {
  set_shape(g, op, resize_output(g, op), DType::F32);
  const Value& x = in(g, op, 0);
  if (!x.is_const) return;
  if (x.dtype != DType::F32) unsupported(op, "resizing integer tensors is not supported");
  const std::vector<float> scales = uses_sizes(g, op) ? std::vector<float>{} : in(g, op, scales_input(g)).f32;
  Value& o = out(g, op);
  const std::string why = ir::fold_resize(x, o.shape, scales, op, o);
  if (!why.empty()) unsupported(op, why);
}

// The elementwise op fused into a nearest upsampling: its kind, its other operand (NHWC), and
// whether that operand comes first (Sub, Div).
struct Elementwise {
  xnn_binary_operator kind;
  uint32_t other;
  bool other_first;
};

// Nearest upsampling by whole factors, asymmetric + floor: every pixel repeated sh×sw times,
// done as [N,H,1,W,1,C] + zeros[1,1,sh,1,sw,1] (broadcast) reshaped to [N,H*sh,W*sw,C]. With
// `with`, the zeros are instead its other operand seen as [N,H,sh,W,sw,C], and + its kind.
void define_nearest(xnn::Emitter& e, const Op& op, uint32_t in, const Shape& xs, const Shape& ys, uint32_t out,
                    const Elementwise* with) {
  const std::string coord = op.attr_string("coordinate_transformation_mode", "half_pixel");
  const std::string nearest = op.attr_string("nearest_mode", "round_prefer_floor");
  const bool whole = ys[2] % xs[2] == 0 && ys[3] % xs[3] == 0;
  if (!whole || coord != "asymmetric" || nearest != "floor")
    unsupported(op, "nearest resize is supported for whole upscaling factors with asymmetric/floor (got " + coord +
                        "/" + nearest + ")");
  const int64_t sh = ys[2] / xs[2], sw = ys[3] / xs[3], N = xs[0], C = xs[1], H = xs[2], W = xs[3];
  xnn_subgraph_t sg = e.subgraph();
  const uint32_t split = e.tensor({N, H, 1, W, 1, C});
  const size_t split_dims[6] = {size_t(N), size_t(H), 1, size_t(W), 1, size_t(C)};
  xnn::check(xnn_define_static_reshape(sg, 6, split_dims, in, split, 0), &op, "the resize reshape");
  const uint32_t spread = e.tensor({N, H, sh, W, sw, C});
  if (with == nullptr) {
    const uint32_t zeros = e.tensor({1, 1, sh, 1, sw, 1}, e.own(std::vector<float>(size_t(sh * sw), 0.0f)));
    xnn::check(xnn_define_binary(sg, xnn_binary_add, nullptr, split, zeros, spread, 0), &op, "the resize broadcast");
  } else {
    const uint32_t other = e.tensor({N, H, sh, W, sw, C});
    const size_t other_dims[6] = {size_t(N), size_t(H), size_t(sh), size_t(W), size_t(sw), size_t(C)};
    xnn::check(xnn_define_static_reshape(sg, 6, other_dims, with->other, other, 0), &op, "the resize reshape");
    xnn::check(xnn_define_binary(sg, with->kind, nullptr, with->other_first ? other : split,
                                 with->other_first ? split : other, spread, 0),
               &op, "the resize broadcast");
  }
  const size_t out_dims[4] = {size_t(N), size_t(ys[2]), size_t(ys[3]), size_t(C)};
  xnn::check(xnn_define_static_reshape(sg, 4, out_dims, spread, out, 0), &op, "the resize reshape");
}

// `in`/`out`: NHWC tensors of the NCHW shapes xs/ys.
void define_resize(xnn::Emitter& e, const Op& op, uint32_t in, const Shape& xs, const Shape& ys, uint32_t out,
                   const Elementwise* with = nullptr) {
  if (ys[0] != xs[0] || ys[1] != xs[1]) unsupported(op, "only spatial (height/width) resizing is supported");
  const std::string mode = op.attr_string("mode", "nearest");
  const std::string coord = op.attr_string("coordinate_transformation_mode", "half_pixel");
  if (mode == "nearest") return define_nearest(e, op, in, xs, ys, out, with);
  if (mode != "linear")  // cubic resizes of constants (position embeddings) are folded
    unsupported(op, "mode '" + mode + "' is supported only for constant tensors (computed tensors: nearest or linear)");
  if (op.attr_int("antialias", 0) != 0) unsupported(op, "antialiased resizing is supported only for constant tensors");
  // pytorch_half_pixel samples the first pixel for an output side of 1, XNNPACK's half-pixel mode
  // the middle one.
  if (coord == "pytorch_half_pixel" && (ys[2] == 1 || ys[3] == 1))
    unsupported(op, "pytorch_half_pixel with an output side of 1 is supported only for constant tensors");
  uint32_t flags = 0;
  if (coord == "align_corners") flags = XNN_FLAG_ALIGN_CORNERS;
  else if (coord == "asymmetric") flags = XNN_FLAG_TENSORFLOW_LEGACY_MODE;
  else if (coord != "half_pixel" && coord != "pytorch_half_pixel")
    unsupported(op, "coordinate mode '" + coord + "' is not supported");
  xnn::check(xnn_define_static_resize_bilinear_2d(e.subgraph(), size_t(ys[2]), size_t(ys[3]), in, out, flags), &op,
             "the resize");
}

// The 1x1 Conv first, at the input's resolution, then the resize of its (fewer) channels.
void define_conv_then_resize(xnn::Emitter& e, const ir::FusedOp& resize) {
  const Op& conv = resize.partner;
  const Shape& xs = e.val(resize.input(0)).shape;
  const Shape& ys = e.val(resize.outputs[0]).shape;
  const Shape mid = {xs[0], ys[1], xs[2], xs[3]};
  const uint32_t t = e.tensor(xnn::to_nhwc(mid));
  define_conv(e, conv, e.as_nhwc(resize, 0), xs, mid, t, -xnn::kInf, xnn::kInf);
  define_resize(e, resize, t, mid, ys, e.output(resize, true));
}

void lower_resize(xnn::Emitter& e, const ir::FusedOp& op) {
  const Shape& xs = e.val(op.input(0)).shape;
  if (xs.size() != 4) fail(op, "only 4-D tensors can be resized when computed");
  if (op.partner_kind == Partner::pointwise_conv_first) return define_conv_then_resize(e, op);
  const uint32_t x = e.as_nhwc(op, 0);
  if (op.partner_kind != Partner::elementwise_after)
    return define_resize(e, op, x, xs, e.val(op.outputs[0]).shape, e.output(op, true));
  const Op& binary = op.partner;
  const size_t other = binary.input(0) == op.link ? 1 : 0;
  const Elementwise with{binary_kind(binary), e.as_nhwc(binary, other), other == 0};
  define_resize(e, op, x, xs, e.val(op.link).shape, e.output(op, true), &with);
}

}  // namespace

void add_resize_ops(std::vector<OpDef>& table) { table.push_back({"Resize", infer_resize, lower_resize}); }

}  // namespace dv::ops
