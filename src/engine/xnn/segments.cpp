#include "engine/xnn/segments.h"

#include <algorithm>

#include <xnnpack.h>

namespace dv::xnn {
namespace {

bool is_activation(const ir::Graph& g, int v) { return v >= 0 && !g.values[size_t(v)].is_const; }

// What a fused op reads: its own inputs, its partner's but the value between them, its bias.
std::vector<int> reads(const ir::FusedOp& op) {
  std::vector<int> r = op.inputs;
  if (op.partner_kind != ir::FusedOp::Partner::none)
    for (int v : op.partner.inputs)
      if (v != op.link) r.push_back(v);
  if (op.bias >= 0) r.push_back(op.bias);
  return r;
}

void add_once(std::vector<int>& list, int v) {
  if (std::find(list.begin(), list.end(), v) == list.end()) list.push_back(v);
}

}  // namespace

std::vector<Step> plan_steps(const ir::Graph& g, const std::vector<ir::FusedOp>& ops, const std::vector<bool>& kernel) {
  std::vector<Step> steps;
  for (size_t i = 0; i < ops.size(); ++i) {
    if (kernel[i] || steps.empty() || steps.back().kernel) steps.push_back({kernel[i], {}, {}, {}});
    steps.back().ops.push_back(i);
  }
  if (steps.empty()) steps.emplace_back();  // a graph whose outputs are its inputs

  std::vector<int> made_in(g.values.size(), -1);  // step that computes each value; -1: the caller
  for (size_t s = 0; s < steps.size(); ++s)
    for (size_t i : steps[s].ops)
      for (int v : ops[i].outputs)
        if (v >= 0) made_in[size_t(v)] = int(s);
  for (size_t s = 0; s < steps.size(); ++s)
    for (size_t i : steps[s].ops)
      for (int v : reads(ops[i])) {
        if (!is_activation(g, v) || made_in[size_t(v)] == int(s)) continue;
        add_once(steps[s].imports, v);
        if (made_in[size_t(v)] >= 0) add_once(steps[size_t(made_in[size_t(v)])].exports, v);
      }
  for (int v : g.outputs)
    if (made_in[size_t(v)] >= 0) add_once(steps[size_t(made_in[size_t(v)])].exports, v);
  return steps;
}

BufferPlan plan_buffers(const ir::Graph& g, const std::vector<Step>& steps) {
  BufferPlan plan;
  plan.buffer.assign(g.values.size(), -1);
  std::vector<bool> caller(g.values.size(), false), read(g.values.size(), false);
  std::vector<size_t> last_read(g.values.size(), 0);
  for (size_t s = 0; s < steps.size(); ++s)
    for (int v : steps[s].imports) {
      last_read[size_t(v)] = s;
      read[size_t(v)] = true;
    }
  for (int v : g.inputs) caller[size_t(v)] = true;
  for (int v : g.outputs) caller[size_t(v)] = caller[size_t(v)] || !read[size_t(v)];

  std::vector<size_t> busy_until;  // buffer → the last step that reads what it holds
  for (size_t s = 0; s < steps.size(); ++s)
    for (int v : steps[s].exports) {
      if (caller[size_t(v)]) continue;
      const size_t need = ir::element_count(g.values[size_t(v)].shape) + XNN_EXTRA_BYTES / sizeof(float);
      // The smallest free buffer that fits, and is at most twice the size: growing buffers, or
      // parking small values in large ones, ends with every buffer the size of the largest value.
      int best = -1;
      for (size_t b = 0; b < busy_until.size(); ++b) {
        const size_t have = plan.floats[b];
        if (busy_until[b] < s && have >= need && have <= 2 * need && (best < 0 || have < plan.floats[size_t(best)]))
          best = int(b);
      }
      if (best < 0) {
        best = int(busy_until.size());
        busy_until.push_back(0);
        plan.floats.push_back(need);
      }
      busy_until[size_t(best)] = last_read[size_t(v)];
      plan.buffer[size_t(v)] = best;
    }
  return plan;
}

}  // namespace dv::xnn
