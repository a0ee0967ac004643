// Slice: folded on constants (any steps); on activations XNNPACK's static slice (step 1).
#include <algorithm>
#include <cmath>

#include "engine/ops/infer_helpers.h"
#include "engine/ops/registry.h"
#include "engine/xnn/emitter.h"

namespace dv::ops {
namespace {

// Where the slice starts and how it steps along every axis of the input.
struct Window {
  std::vector<int64_t> begin, step;
  Shape shape;
};

Window window_of(const Graph& g, const Op& op) {
  const Value& x = in(g, op, 0);
  const auto starts = ints_of(g, op, 1), ends = ints_of(g, op, 2);
  std::vector<int64_t> axes = op.input(3) >= 0 ? ints_of(g, op, 3) : std::vector<int64_t>{};
  std::vector<int64_t> steps = op.input(4) >= 0 ? ints_of(g, op, 4) : std::vector<int64_t>{};
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i) axes.push_back(int64_t(i));
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() || steps.size() != starts.size())
    fail(op, "starts, ends, axes and steps have different lengths");
  const size_t rank = x.shape.size();
  Window w{std::vector<int64_t>(rank, 0), std::vector<int64_t>(rank, 1), x.shape};
  for (size_t i = 0; i < starts.size(); ++i) {
    const auto a = static_cast<size_t>(norm_axis(op, axes[i], rank));
    const int64_t dim = x.shape[a], s = steps[i];
    if (s == 0) fail(op, "step 0");
    auto clamped = [&](int64_t v, int64_t lo, int64_t hi) {
      if (v < 0) v = v < INT64_MIN + dim ? INT64_MIN : v + dim;
      return std::clamp(v, lo, hi);
    };
    const int64_t b = s > 0 ? clamped(starts[i], 0, dim) : clamped(starts[i], -1, dim - 1);
    const int64_t e = s > 0 ? clamped(ends[i], 0, dim) : clamped(ends[i], -1, dim - 1);
    w.begin[a] = b;
    w.step[a] = s;
    // In double: a hostile step near INT64_MIN must not overflow.
    const double n = s > 0 ? std::ceil(double(e - b) / double(s)) : std::ceil(double(b - e) / -double(s));
    w.shape[a] = std::max<int64_t>(0, int64_t(n));
  }
  return w;
}

void infer_slice(Graph& g, Op& op) {
  const Value& x = in(g, op, 0);
  const Window w = window_of(g, op);
  set_shape(g, op, w.shape, x.dtype);
  if (!x.is_const) return;
  Value& r = out(g, op);
  alloc(op, r);
  const size_t n = ir::element_count(w.shape);
  for (size_t i = 0; i < n; ++i) {
    size_t rem = i, src = 0, stride = 1;
    for (size_t k = w.shape.size(); k-- > 0;) {
      const auto c = int64_t(rem % size_t(w.shape[k]));
      rem /= size_t(w.shape[k]);
      src += size_t(w.begin[k] + c * w.step[k]) * stride;
      stride *= size_t(x.shape[k]);
    }
    copy_element(x, src, r, i);
  }
}

void lower_slice(xnn::Emitter& e, const ir::FusedOp& op) {
  const Window w = window_of(e.graph(), op);
  if (std::any_of(w.step.begin(), w.step.end(), [](int64_t s) { return s != 1; }))
    unsupported(op, "only step 1 is supported on computed tensors");
  const std::vector<size_t> offsets(w.begin.begin(), w.begin.end()), sizes(w.shape.begin(), w.shape.end());
  const uint32_t x = e.plain(op, 0);
  xnn::check(
      xnn_define_static_slice(e.subgraph(), offsets.size(), offsets.data(), sizes.data(), x, e.output(op, false), 0),
      &op, "the slice");
}

}  // namespace

void add_slice_ops(std::vector<OpDef>& table) { table.push_back({"Slice", infer_slice, lower_slice}); }

}  // namespace dv::ops
