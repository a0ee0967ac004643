#include "engine/xnn/runtime.h"

#include <cstring>

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

void lower(const ir::Graph& g, Emitter& e, std::vector<uint32_t>& input_ids, std::vector<uint32_t>& output_ids) {
  uint32_t external = 0;
  for (int v : g.inputs) input_ids.push_back(e.define_input(v, external++));
  for (const ir::FusedOp& op : ir::fuse(g)) {
    const ops::OpDef* def = ops::find(op.type);
    if (def == nullptr || def->lower == nullptr)
      throw onnx::UnsupportedError(op.label() + ": computing it on activations is not supported");
    def->lower(e, op);
  }
  for (int v : g.outputs) output_ids.push_back(e.define_output(v, external++));
}

}  // namespace

Runtime::Runtime(const ir::Graph& g, pthreadpool* pool, SharedWeights& shared, const RuntimeOptions& options) {
  // No XNNPACK subgraph fusion: ir/fuse.h does the fusions, and this snapshot's clamp fusion writes
  // the clamp's bounds over a convolution's padding.
  const uint32_t flags = kNoOperatorFusion | (options.profile ? XNN_FLAG_BASIC_PROFILING : 0);
  const auto externals = uint32_t(g.inputs.size() + g.outputs.size());
  check(xnn_create_subgraph(externals, 0, &subgraph_), nullptr, "subgraph creation");
  try {
    Emitter emitter(g, subgraph_, owned_, shared, options.int8);
    lower(g, emitter, input_ids_, output_ids_);
    // Packed weights come from (or go into) the model's shared cache; a later size that needs
    // weights the sealed cache lacks gets private ones instead.
    if (xnn_create_runtime_v3(subgraph_, shared.cache(), pool, flags, &runtime_) != xnn_status_success) {
      runtime_ = nullptr;
      if (!shared.sealed()) throw ModelError("XNNPACK could not create the runtime (out of memory?)");
      check(xnn_create_runtime_v3(subgraph_, nullptr, pool, flags, &runtime_), nullptr,
            "runtime creation (out of memory?)");
    }
    shared.seal();
    check(xnn_reshape_runtime(runtime_), nullptr, "runtime reshape");
  } catch (...) {
    if (runtime_) xnn_delete_runtime(runtime_);
    xnn_delete_subgraph(subgraph_);
    subgraph_ = nullptr;
    runtime_ = nullptr;
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
