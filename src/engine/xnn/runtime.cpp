#include "engine/xnn/runtime.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>

#include <xnnpack.h>

#include "engine/ir/fuse.h"
#include "engine/ops/registry.h"
#include "engine/xnn/emitter.h"

namespace dv::xnn {
namespace {

using onnx::ModelError;

// XNNPACK's XNN_FLAG_NO_OPERATOR_FUSION (src/xnnpack/subgraph.h, not in the public header), which
// xnn_create_runtime passes on to its subgraph optimisation.
constexpr uint32_t kNoOperatorFusion = 0x80000000;

bool is_graph_output(const ir::Graph& g, int v) { return std::find(g.outputs.begin(), g.outputs.end(), v) != g.outputs.end(); }

// Which ops run as engine kernels. None when a value that would cross between steps is not fp32
// (8-bit tensors of quantized models stay inside XNNPACK).
std::vector<std::unique_ptr<kernels::Kernel>> choose_kernels(const ir::Graph& g, const std::vector<ir::FusedOp>& ops,
                                                             const RuntimeOptions& options, std::vector<Step>& steps) {
  std::vector<std::unique_ptr<kernels::Kernel>> made(ops.size());
  std::vector<bool> is_kernel(ops.size(), false);
  for (size_t i = 0; i < ops.size(); ++i) {
    const ops::OpDef* def = ops::find(ops[i].type);
    if (def != nullptr && def->kernel != nullptr) made[i] = def->kernel(g, ops[i], options.int8);
    is_kernel[i] = made[i] != nullptr;
  }
  steps = plan_steps(g, ops, is_kernel);
  for (const Step& s : steps)
    for (int v : s.exports)
      if (g.values[size_t(v)].dtype != ir::DType::F32) {
        steps = plan_steps(g, ops, std::vector<bool>(ops.size(), false));
        return std::vector<std::unique_ptr<kernels::Kernel>>(ops.size());
      }
  return made;
}

void lower_op(Emitter& e, const ir::FusedOp& op) {
  const ops::OpDef* def = ops::find(op.type);
  if (def == nullptr || def->lower == nullptr)
    throw onnx::UnsupportedError(op.label() + ": computing it on activations is not supported");
  def->lower(e, op);
}

}  // namespace

Runtime::Runtime(const ir::Graph& g, pthreadpool* pool, SharedWeights& shared, const RuntimeOptions& options)
    : inputs_(g.inputs), outputs_(g.outputs), pool_(pool), profiling_(options.profile) {
  try {
    build(g, pool, shared, options);
  } catch (...) {
    release();
    throw;
  }
  for (int v : g.inputs)
    input_copies_.emplace_back(ir::element_count(g.values[size_t(v)].shape) + XNN_EXTRA_BYTES / sizeof(float), 0.0f);
  for (int v : g.outputs) {
    const bool is_input = std::find(g.inputs.begin(), g.inputs.end(), v) != g.inputs.end();
    copied_.push_back(is_input || where_[size_t(v)] ? ir::element_count(g.values[size_t(v)].shape) : 0);
  }
}

void Runtime::build(const ir::Graph& g, pthreadpool* pool, SharedWeights& shared, const RuntimeOptions& options) {
  // No XNNPACK subgraph fusion: ir/fuse.h does the fusions, and this snapshot's clamp fusion writes
  // the clamp's bounds over a convolution's padding.
  const uint32_t flags = kNoOperatorFusion | (options.profile ? XNN_FLAG_BASIC_PROFILING : 0);
  const std::vector<ir::FusedOp> ops = ir::fuse(g);
  std::vector<Step> steps;
  std::vector<std::unique_ptr<kernels::Kernel>> made = choose_kernels(g, ops, options, steps);
  const BufferPlan buffers = plan_buffers(g, steps);
  for (size_t floats : buffers.floats) buffers_.emplace_back(floats, 0.0f);
  where_.assign(g.values.size(), nullptr);
  for (size_t v = 0; v < g.values.size(); ++v)
    if (buffers.buffer[v] >= 0) where_[v] = buffers_[size_t(buffers.buffer[v])].data();
  check(xnn_create_workspace(&workspace_), nullptr, "workspace creation");

  Emitter emitter(g, owned_, shared, options.int8);
  for (Step& step : steps) {
    if (step.kernel) {
      const ir::FusedOp& op = ops[step.ops[0]];
      order_.push_back({true, kernels_.size()});
      kernels_.push_back({std::move(made[step.ops[0]]), op.inputs, op.outputs});
      continue;
    }
    order_.push_back({false, segments_.size()});
    Segment& seg = segments_.emplace_back();
    check(xnn_create_subgraph(uint32_t(step.imports.size() + step.exports.size()), 0, &seg.subgraph), nullptr,
          "subgraph creation");
    emitter.begin_segment(seg.subgraph);
    uint32_t external = 0;
    for (int v : step.imports) {
      emitter.import(v, external);
      seg.externals.emplace_back(external++, v);
    }
    std::vector<std::pair<int, uint32_t>> exports;
    for (int v : step.exports) {
      emitter.plan_export(v, external);
      exports.emplace_back(v, external);
      seg.externals.emplace_back(external++, v);
    }
    for (size_t i : step.ops) lower_op(emitter, ops[i]);
    for (const auto& [v, ext] : exports)
      is_graph_output(g, v) ? void(emitter.define_output(v, ext)) : emitter.finish_export(v);
    // Packed weights come from (or go into) the model's shared cache; a later size that needs
    // weights the sealed cache lacks gets private ones instead.
    if (xnn_create_runtime_v4(seg.subgraph, shared.cache(), workspace_, pool, flags, &seg.runtime) !=
        xnn_status_success) {
      seg.runtime = nullptr;
      if (!shared.sealed()) throw ModelError("XNNPACK could not create the runtime (out of memory?)");
      check(xnn_create_runtime_v4(seg.subgraph, nullptr, workspace_, pool, flags, &seg.runtime), nullptr,
            "runtime creation (out of memory?)");
    }
  }
  // Sealing may move the cache's memory: reshape (which plans pointers into it) comes after.
  shared.seal();
  size_t scratch = 0;
  for (const KernelStep& k : kernels_) scratch = std::max(scratch, k.kernel->scratch_bytes());
  scratch_.resize(scratch + kernels::kScratchAlignment);
  for (Segment& seg : segments_) check(xnn_reshape_runtime(seg.runtime), nullptr, "runtime reshape");
}

void Runtime::release() {
  for (Segment& s : segments_) {
    if (s.runtime) xnn_delete_runtime(s.runtime);
    if (s.subgraph) xnn_delete_subgraph(s.subgraph);
  }
  segments_.clear();
  kernels_.clear();
  if (workspace_) xnn_release_workspace(workspace_);
  workspace_ = nullptr;
}

Runtime::~Runtime() { release(); }

void Runtime::run(const std::vector<const float*>& inputs, const std::vector<float*>& outputs) {
  if (inputs.size() != inputs_.size() || outputs.size() != outputs_.size())
    throw ModelError("wrong number of inputs or outputs for this model");
  for (size_t i = 0; i < inputs.size(); ++i) {
    std::vector<float>& copy = input_copies_[i];  // XNNPACK may read past the end: use a padded copy
    std::copy(inputs[i], inputs[i] + copy.size() - XNN_EXTRA_BYTES / sizeof(float), copy.begin());
    where_[size_t(inputs_[i])] = copy.data();
  }
  for (size_t i = 0; i < outputs.size(); ++i)
    if (copied_[i] == 0) where_[size_t(outputs_[i])] = outputs[i];
  std::vector<xnn_external_value> ext;
  for (const Order& o : order_) {
    if (o.kernel) {
      KernelStep& k = kernels_[o.index];
      std::vector<const float*> in;
      std::vector<float*> out;
      for (int v : k.inputs) in.push_back(where_[size_t(v)]);
      for (int v : k.outputs) out.push_back(where_[size_t(v)]);
      const auto start = std::chrono::steady_clock::now();
      k.kernel->run(in, out, scratch_aligned(), pool_);
      if (profiling_)
        k.last_us = uint64_t(std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count());
      continue;
    }
    const Segment& s = segments_[o.index];
    ext.clear();
    for (const auto& [id, v] : s.externals) ext.push_back({id, where_[size_t(v)]});
    check(xnn_setup_runtime_v2(s.runtime, ext.size(), ext.data()), nullptr, "runtime setup");
    check(xnn_invoke_runtime(s.runtime), nullptr, "inference");
  }
  for (size_t i = 0; i < outputs.size(); ++i)
    if (copied_[i] > 0) std::copy(where_[size_t(outputs_[i])], where_[size_t(outputs_[i])] + copied_[i], outputs[i]);
}

void* Runtime::scratch_aligned() {
  void* p = scratch_.data();
  size_t space = scratch_.size();
  return std::align(kernels::kScratchAlignment, 1, p, space);
}

namespace {

std::vector<std::pair<std::string, uint64_t>> segment_profile(xnn_runtime* runtime) {
  size_t count = 0, size = 0;
  if (xnn_get_runtime_profiling_info(runtime, xnn_profile_info_num_operators, sizeof count, &count, &size) !=
          xnn_status_success ||
      count == 0)
    return {};
  xnn_get_runtime_profiling_info(runtime, xnn_profile_info_operator_name, 0, nullptr, &size);
  std::vector<char> names(size);
  std::vector<uint64_t> times(count);
  if (xnn_get_runtime_profiling_info(runtime, xnn_profile_info_operator_name, names.size(), names.data(), &size) !=
          xnn_status_success ||
      xnn_get_runtime_profiling_info(runtime, xnn_profile_info_operator_timing, times.size() * sizeof(uint64_t),
                                     times.data(), &size) != xnn_status_success)
    return {};
  std::vector<std::pair<std::string, uint64_t>> result;
  const char* name = names.data();
  for (size_t i = 0; i < count; ++i, name += std::strlen(name) + 1) result.emplace_back(name, times[i]);
  return result;
}

}  // namespace

std::vector<std::pair<std::string, uint64_t>> Runtime::profile() const {
  std::vector<std::pair<std::string, uint64_t>> result;
  if (!profiling_) return result;
  for (const Order& o : order_) {
    if (o.kernel) {
      result.emplace_back(kernels_[o.index].kernel->name(), kernels_[o.index].last_us);
      continue;
    }
    for (auto& entry : segment_profile(segments_[o.index].runtime)) result.push_back(std::move(entry));
  }
  return result;
}

}  // namespace dv::xnn
