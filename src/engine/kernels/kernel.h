// Engine kernels: ops the engine computes itself where XNNPACK's subgraph has no node for them.
// An op's registry entry makes one (ops/registry.h, OpDef::kernel); xnn::Runtime runs it between
// the XNNPACK subgraph segments around it (xnn/segments.h).
#pragma once

#include <cstddef>
#include <vector>

struct pthreadpool;

namespace dv::kernels {

constexpr size_t kScratchAlignment = 64;

class Kernel {
 public:
  virtual ~Kernel() = default;
  // The operator kind in profiles.
  virtual const char* name() const = 0;
  // Working memory it needs during run; the runtime's kernels share one block of it.
  virtual size_t scratch_bytes() const = 0;
  // inputs[i]: the op's input i in plain (ONNX) layout, padded by XNN_EXTRA_BYTES; outputs[i]
  // likewise (unpadded); scratch: scratch_bytes(), aligned to kScratchAlignment. Throws
  // onnx::ModelError when XNNPACK refuses a step.
  virtual void run(const std::vector<const float*>& inputs, const std::vector<float*>& outputs, void* scratch,
                   pthreadpool* pool) = 0;
};

}  // namespace dv::kernels
