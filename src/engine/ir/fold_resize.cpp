// Resize of a constant tensor, evaluated when shapes are inferred. Vision transformers exported
// for any input size (Hugging Face's Dinov2, so Depth Anything V2) resize their learned position
// embeddings bicubically to the patch grid of the input: the table is a constant and its target
// size is known once the input size is, so the whole Resize folds to a constant per input size.
// Separable ONNX semantics (opset 11-19): nearest, linear and cubic, one axis at a time, with
// edge-clamped neighbours as in ONNX Runtime.
#include <algorithm>
#include <cmath>

#include "engine/ir/fold_resize.h"

namespace dv::ir {
namespace {

struct Tap {
  size_t index;
  float weight;
};

// Where output index x of an axis lands in the input (ONNX coordinate_transformation_mode).
double source_coordinate(const std::string& mode, int64_t x, double scale, int64_t in_len, int64_t out_len) {
  if (mode == "align_corners") return out_len == 1 ? 0.0 : double(x) * double(in_len - 1) / double(out_len - 1);
  if (mode == "asymmetric") return double(x) / scale;
  if (mode == "pytorch_half_pixel" && out_len == 1) return 0.0;
  return (double(x) + 0.5) / scale - 0.5;  // half_pixel, pytorch_half_pixel
}

// Keys' cubic convolution weight at distance d (ONNX cubic_coeff_a, -0.75 in PyTorch).
double cubic_weight(double d, double a) {
  d = std::fabs(d);
  if (d <= 1.0) return ((a + 2.0) * d - (a + 3.0)) * d * d + 1.0;
  if (d < 2.0) return ((a * d - 5.0 * a) * d + 8.0 * a) * d - 4.0 * a;
  return 0.0;
}

struct Mode {
  std::string mode, coordinates, nearest;
  double cubic_a = -0.75;
  bool exclude_outside = false;
};

std::vector<Tap> taps_for(const Mode& m, double src, int64_t in_len) {
  auto clamp = [&](int64_t i) { return size_t(std::min<int64_t>(std::max<int64_t>(i, 0), in_len - 1)); };
  if (m.mode == "nearest") {
    int64_t i;
    if (m.nearest == "floor") i = int64_t(std::floor(src));
    else if (m.nearest == "ceil") i = int64_t(std::ceil(src));
    else if (m.nearest == "round_prefer_ceil") i = int64_t(std::floor(src + 0.5));
    else i = int64_t(std::ceil(src - 0.5));  // round_prefer_floor
    return {{clamp(i), 1.0f}};
  }
  const int64_t base = int64_t(std::floor(src));
  const double t = src - double(base);
  if (m.mode == "linear") return {{clamp(base), float(1.0 - t)}, {clamp(base + 1), float(t)}};
  std::vector<Tap> taps;
  double total = 0.0;
  for (int64_t k = -1; k <= 2; ++k) {
    const int64_t i = base + k;
    double w = cubic_weight(double(k) - t, m.cubic_a);
    if (m.exclude_outside && (i < 0 || i >= in_len)) w = 0.0;
    total += w;
    taps.push_back({clamp(i), float(w)});
  }
  if (m.exclude_outside && total != 0.0)
    for (Tap& tap : taps) tap.weight = float(tap.weight / total);
  return taps;
}

// Resizes axis `axis` of `data` (shape `shape`) to `out_len`; updates shape.
std::vector<float> resize_axis(const std::vector<float>& data, Shape& shape, size_t axis, int64_t out_len, double scale,
                               const Mode& m) {
  const int64_t in_len = shape[axis];
  size_t outer = 1, inner = 1;
  for (size_t k = 0; k < axis; ++k) outer *= size_t(shape[k]);
  for (size_t k = axis + 1; k < shape.size(); ++k) inner *= size_t(shape[k]);
  std::vector<float> r(outer * size_t(out_len) * inner, 0.0f);
  for (int64_t x = 0; x < out_len; ++x) {
    const auto taps = taps_for(m, source_coordinate(m.coordinates, x, scale, in_len, out_len), in_len);
    for (size_t o = 0; o < outer; ++o) {
      float* dst = &r[(o * size_t(out_len) + size_t(x)) * inner];
      for (const Tap& tap : taps) {
        const float* src = &data[(o * size_t(in_len) + tap.index) * inner];
        for (size_t e = 0; e < inner; ++e) dst[e] += tap.weight * src[e];
      }
    }
  }
  shape[axis] = out_len;
  return r;
}

// Position embeddings are small (Depth Anything V2's for a 1036x1036 input: 2.1M values, 13M
// multiply-adds); a hostile model must not make the load compute gigabytes or take seconds.
constexpr size_t kMaxFoldedWork = size_t(1) << 25;  // multiply-adds in all

bool resampled(const Shape& in, const Shape& out, const std::vector<float>& scales, size_t axis) {
  return out[axis] != in[axis] || (!scales.empty() && scales[axis] != 1.0f);
}

bool element_count_within(const Shape& s, size_t limit) {
  size_t n = 1;
  for (int64_t d : s) {
    if (d == 0) return true;
    if (d < 0 || size_t(d) > limit / n) return false;
    n *= size_t(d);
  }
  return true;
}

// Axis by axis, an intermediate holds the output's sizes up to the axis and the input's after it:
// each must be within the limits before anything is allocated (a hostile model grows one axis and
// shrinks another).
std::string check_cost(const Shape& in, const Shape& out, const std::vector<float>& scales, const Mode& m) {
  const size_t taps = m.mode == "cubic" ? 4 : m.mode == "linear" ? 2 : 1;
  size_t work = 0;
  for (size_t axis = 0; axis < in.size(); ++axis) {
    Shape step = out;
    std::copy(in.begin() + int64_t(axis) + 1, in.end(), step.begin() + int64_t(axis) + 1);
    if (!resampled(in, out, scales, axis)) continue;
    if (in[axis] == 0) return "cannot resize an empty axis";
    if (!element_count_within(step, kMaxFoldedElements))
      return "resizing a constant to " + to_string(step) + " is more than the limit of 2^23 elements";
    work += element_count(step) * taps;
    if (work > kMaxFoldedWork)
      return "resizing a constant to " + to_string(out) + " takes more than the limit of 2^25 multiply-adds";
  }
  return "";
}

}  // namespace

std::string fold_resize(const Value& x, const Shape& out_shape, const std::vector<float>& scales, const Op& op,
                        Value& out) {
  Mode m{op.attr_string("mode", "nearest"), op.attr_string("coordinate_transformation_mode", "half_pixel"),
         op.attr_string("nearest_mode", "round_prefer_floor"), op.attr_float("cubic_coeff_a", -0.75f),
         op.attr_int("exclude_outside", 0) != 0};
  if (m.mode != "nearest" && m.mode != "linear" && m.mode != "cubic") return "mode '" + m.mode + "' is not supported";
  if (m.coordinates != "half_pixel" && m.coordinates != "pytorch_half_pixel" && m.coordinates != "align_corners" &&
      m.coordinates != "asymmetric")
    return "coordinate mode '" + m.coordinates + "' is not supported";
  if (op.attr_int("antialias", 0) != 0) return "antialiased resizing is not supported";
  if (op.has_attr("axes")) return "the axes attribute is not supported";
  if (const std::string why = check_cost(x.shape, out_shape, scales, m); !why.empty()) return why;
  std::vector<float> data = x.f32;
  Shape shape = x.shape;
  for (size_t axis = 0; axis < shape.size(); ++axis) {
    if (!resampled(shape, out_shape, scales, axis)) continue;
    const double scale = scales.empty() ? double(out_shape[axis]) / double(shape[axis]) : double(scales[axis]);
    if (shape[axis] == 0 || !(scale > 0.0)) return "cannot resize an empty axis";
    data = resize_axis(data, shape, axis, out_shape[axis], scale, m);
  }
  out.f32 = std::move(data);
  out.is_const = true;
  return "";
}

}  // namespace dv::ir
