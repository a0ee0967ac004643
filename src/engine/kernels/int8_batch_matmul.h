// MatMul of two activations in int8: the left operand quantized per row (asymmetric, XNNPACK's
// qd8), the right one per column (symmetric) on every run, then XNNPACK's qd8 x qc8w batched GEMM,
// whose micro-kernels XNNPACK picks for the CPU. XNNPACK's subgraph offers that GEMM only for a
// constant right operand, so attention's two products would otherwise stay fp32 in int8 mode.
#pragma once

#include <memory>

#include "engine/ir/graph.h"
#include "engine/kernels/kernel.h"

namespace dv::kernels {

// a: [..., M, K], b: [..., K, N], batch dimensions broadcast as in ONNX MatMul. softmax: then a
// softmax over each row of the product, in place (attention's scores, ir/fuse.h).
std::unique_ptr<Kernel> make_int8_batch_matmul(const ir::Shape& a, const ir::Shape& b, bool softmax);

}  // namespace dv::kernels
