// Engine kernels: ops the engine computes itself where XNNPACK's subgraph has no node for them.
// An op's registry entry makes one (ops/registry.h, OpDef::kernel); xnn::Runtime runs it between
// the XNNPACK subgraph segments around it (xnn/segments.h).
#pragma once

#include <vector>

struct pthreadpool;

namespace dv::kernels {

class Kernel {
 public:
  virtual ~Kernel() = default;
  // The operator kind in profiles.
  virtual const char* name() const = 0;
  // inputs[i]: the op's input i in plain (ONNX) layout, padded by XNN_EXTRA_BYTES; outputs[i]
  // likewise (unpadded). Throws onnx::ModelError when XNNPACK refuses a step.
  virtual void run(const std::vector<const float*>& inputs, const std::vector<float*>& outputs, pthreadpool* pool) = 0;
};

}  // namespace dv::kernels
