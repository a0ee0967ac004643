// Transpose: folded on constants; on activations one XNNPACK transpose in plain layout.
#include "engine/ops/infer_helpers.h"
#include "engine/ops/registry.h"
#include "engine/xnn/emitter.h"

namespace dv::ops {
namespace {

std::vector<size_t> permutation(const Op& op, size_t rank) {
  auto perm = op.attr_ints("perm");
  if (perm.empty())
    for (size_t i = rank; i-- > 0;) perm.push_back(int64_t(i));
  if (perm.size() != rank) fail(op, "perm does not match the input rank");
  std::vector<size_t> p;
  std::vector<bool> seen(rank, false);
  for (int64_t a : perm) {
    const auto axis = size_t(norm_axis(op, a, rank));
    if (seen[axis]) fail(op, "perm repeats axis " + std::to_string(axis));
    seen[axis] = true;
    p.push_back(axis);
  }
  return p;
}

void infer_transpose(Graph& g, Op& op) {
  const Value& x = in(g, op, 0);
  const std::vector<size_t> perm = permutation(op, x.shape.size());
  Shape o;
  for (size_t p : perm) o.push_back(x.shape[p]);
  set_shape(g, op, o, x.dtype);
  if (!x.is_const) return;
  Value& r = out(g, op);
  alloc(op, r);
  const size_t n = ir::element_count(o);
  std::vector<size_t> coord(o.size()), in_coord(o.size());
  for (size_t i = 0; i < n; ++i) {  // i indexes the output; find the matching input index
    size_t rem = i, src = 0;
    for (size_t k = o.size(); k-- > 0;) {
      coord[k] = rem % size_t(o[k]);
      rem /= size_t(o[k]);
    }
    for (size_t k = 0; k < o.size(); ++k) in_coord[perm[k]] = coord[k];
    for (size_t k = 0; k < o.size(); ++k) src = src * size_t(x.shape[k]) + in_coord[k];
    copy_element(x, src, r, i);
  }
}

void lower_transpose(xnn::Emitter& e, const ir::FusedOp& op) {
  const std::vector<size_t> perm = permutation(op, e.val(op.input(0)).shape.size());
  const uint32_t x = e.plain(op, 0);
  xnn::check(xnn_define_static_transpose(e.subgraph(), perm.size(), perm.data(), x, e.output(op, false), 0), &op,
             "the transpose");
}

}  // namespace

void add_transpose_ops(std::vector<OpDef>& table) { table.push_back({"Transpose", infer_transpose, lower_transpose}); }

}  // namespace dv::ops
