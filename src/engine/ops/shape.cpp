// Shape arithmetic: Shape, Cast, Gather, Expand. Exported models compute reshape targets and resize
// sizes with them; on activations they are refused at load, except float-to-float Casts.
#include <algorithm>
#include <cmath>

#include "engine/ops/infer_helpers.h"
#include "engine/ops/quantized.h"
#include "engine/ops/registry.h"
#include "engine/xnn/emitter.h"

namespace dv::ops {
namespace {

// Opset 15: optional start/end select a range of dims.
void infer_shape(Graph& g, Op& op) {
  const Value& x = in(g, op, 0);
  const auto rank = int64_t(x.shape.size());
  auto clamp_dim = [&](int64_t d) { return std::clamp(d < 0 ? d + rank : d, int64_t(0), rank); };
  const int64_t begin = clamp_dim(op.attr_int("start", 0)), end = clamp_dim(op.attr_int("end", rank));
  const Shape dims(x.shape.begin() + begin, x.shape.begin() + std::max(begin, end));
  set_shape(g, op, {int64_t(dims.size())}, DType::I64);
  Value& r = out(g, op);
  r.i64.assign(dims.begin(), dims.end());
  r.is_const = true;
}

void infer_cast(Graph& g, Op& op) {
  const Value& x = in(g, op, 0);
  const auto to = static_cast<onnx::DataType>(op.attr_int("to", 1));
  const DType d = to == onnx::DataType::Float || to == onnx::DataType::Float16 || to == onnx::DataType::Double
                      ? DType::F32
                      : DType::I64;
  set_shape(g, op, x.shape, d);
  if (!x.is_const) return;
  Value& r = out(g, op);
  const std::vector<int32_t> codes = ir::is_8bit(x.dtype) ? codes_of(x) : std::vector<int32_t>{};
  if (d == DType::F32) {
    r.f32 = x.f32;
    for (int64_t v : x.i64) r.f32.push_back(float(v));
    for (int32_t v : codes) r.f32.push_back(float(v));
  } else {
    r.i64 = x.i64;
    r.i64.insert(r.i64.end(), codes.begin(), codes.end());
    for (float v : x.f32) r.i64.push_back(std::isfinite(v) && std::fabs(v) < 9.2e18f ? int64_t(v) : 0);
  }
  r.is_const = true;
}

// A Cast between float types on computed tensors changes nothing here: the engine computes in
// float32 (a Cast to float16 does not round, as ONNX Runtime's CPU provider, which runs float16 files
// in float32 and drops such Cast pairs, does not either: rounding there put depthview 1.4e-3 of the
// range away from it on Depth Anything V2's fp16 file). Casts of computed values to integers are
// refused.
void lower_cast(xnn::Emitter& e, const ir::FusedOp& op) {
  if (e.val(op.outputs.at(0)).dtype != DType::F32 || e.val(op.input(0)).dtype != DType::F32)
    unsupported(op, "casting computed values to or from integers is not supported");
  e.alias(op);
}

void infer_gather(Graph& g, Op& op) {
  const Value& x = in(g, op, 0);
  const Value& idx = in(g, op, 1);
  const auto axis = static_cast<size_t>(norm_axis(op, op.attr_int("axis", 0), x.shape.size()));
  Shape o(x.shape.begin(), x.shape.begin() + int64_t(axis));
  o.insert(o.end(), idx.shape.begin(), idx.shape.end());
  o.insert(o.end(), x.shape.begin() + int64_t(axis) + 1, x.shape.end());
  set_shape(g, op, o, x.dtype);
  if (!x.is_const || !idx.is_const) return;
  Value& r = out(g, op);
  alloc(op, r);
  const auto indices = ints_of(g, op, 1);
  const size_t outer = ir::element_count(Shape(x.shape.begin(), x.shape.begin() + int64_t(axis)));
  const size_t inner = ir::element_count(Shape(x.shape.begin() + int64_t(axis) + 1, x.shape.end()));
  const auto n = static_cast<int64_t>(x.shape[axis]);
  size_t dst = 0;
  for (size_t b = 0; b < outer; ++b)
    for (int64_t i : indices) {
      if (i < -n || i >= n) fail(op, "index " + std::to_string(i) + " out of range");
      const size_t src = (b * size_t(n) + size_t(i < 0 ? i + n : i)) * inner;
      for (size_t e = 0; e < inner; ++e) copy_element(x, src + e, r, dst++);
    }
}

void infer_expand(Graph& g, Op& op) {
  const Value& x = in(g, op, 0);
  const auto target = ints_of(g, op, 1);
  const Shape o = broadcast(op, x.shape, Shape(target.begin(), target.end()));
  set_shape(g, op, o, x.dtype);
  if (!x.is_const) return;
  Value& r = out(g, op);
  alloc(op, r);
  for (size_t i = 0; i < ir::element_count(o); ++i) copy_element(x, broadcast_index(i, o, x.shape), r, i);
}

}  // namespace

void add_shape_ops(std::vector<OpDef>& table) {
  table.push_back({"Shape", infer_shape, nullptr, nullptr, true});
  table.push_back({.type = "Cast", .infer = infer_cast, .lower = lower_cast, .reads_8bit = true});
  table.push_back({"Gather", infer_gather});
  table.push_back({"Expand", infer_expand});
}

}  // namespace dv::ops
