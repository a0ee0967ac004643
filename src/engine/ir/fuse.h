// The fusion pass: before lowering, rewrites the graph's ops at the current input size into the
// ops XNNPACK runs, several ONNX ops becoming one where that saves passes over the activations.
//   - MatMul + Add of a constant [N] bias      → MatMul with `bias` (a fully-connected layer)
//   - x * 0.5 * (1 + erf(x / sqrt(2)))          → Gelu
//   - the LayerNormalization of exporters before opset 17 (ReduceMean, Sub, Pow 2 or Mul, ReduceMean,
//     Add eps, Sqrt, Div[, Mul scale][, Add bias]) → LayerNormalization
//   - nearest Resize read only by Add/Sub/Mul/Div with an activation of its output's shape
//                                               → Resize with `partner` (one broadcast op)
//   - Resize read only by a 1x1 Conv with no more outputs than inputs
//                                               → Resize with `partner` run first (4x fewer pixels)
//   - Conv without bias read only by an Add of a constant per channel
//                                               → Conv with that bias (input 2)
//   - Conv or ConvTranspose read only by Clip/Relu (a chain of them)
//                                               → the op with `clamp_min`/`clamp_max`
//   - MatMul of two activations read only by a Softmax (attention's scores)
//                                               → MatMul with `partner` (in int8 mode the engine's
//                                                 kernel applies it in place: the scores never cross)
// Ops no graph output needs are dropped (XNNPACK refuses values nobody reads). XNNPACK's own
// subgraph fusion is switched off (xnn/runtime.cpp): in this snapshot, fusing a clamp into a
// convolution writes the clamp's bounds over the convolution's padding (a Clip with min > 0 gave a
// 60 GB indirection buffer; fuzz_onnx found it).
#pragma once

#include <limits>
#include <vector>

#include "engine/ir/graph.h"

namespace dv::ir {

// An op as the lowering sees it: one op of the graph, or a pattern of them fused into one. Its
// inputs and outputs are those of the whole pattern; `type` is an ONNX operator type.
struct FusedOp : Op {
  enum class Partner { none, elementwise_after, pointwise_conv_first, softmax_after };
  int bias = -1;                     // MatMul: the fused Add's constant [N] operand
  float clamp_min = -std::numeric_limits<float>::infinity();  // Conv, ConvTranspose:
  float clamp_max = std::numeric_limits<float>::infinity();   //   a fused Clip/Relu
  Partner partner_kind = Partner::none;
  Op partner;                        // Resize, MatMul: the op fused with it (see above)
  int link = -1;                     // the value it wrote, which its partner read
};

// The ops to lower, in an order where every input is computed before it is read. Shapes must
// have been inferred; without shapes (at import) the size-dependent fusions are left out, which
// is what check_supported needs.
std::vector<FusedOp> fuse(const Graph& g);

// The bounds of a Relu or Clip (attributes before opset 11, constant scalar inputs after); false
// when `op` is neither or its bounds are not constant scalars.
bool clamp_bounds(const Graph& g, const Op& op, float& lo, float& hi);

}  // namespace dv::ir
