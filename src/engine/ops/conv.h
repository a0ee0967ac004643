// What others need of the convolution family: the Resize lowering (a 1x1 Conv run before the
// upsampling that feeds it, see ir/fuse.h) and the model's input size rule (patch embeddings).
#pragma once

#include <cstdint>

#include "engine/ir/graph.h"

namespace dv::xnn {
class Emitter;
}

namespace dv::ops {

// The patch size of a Conv that embeds patches (kernel == stride, no padding or dilation), else 1:
// such a Conv needs input sides that are multiples of it.
int64_t patch_size(const ir::Graph& g, const ir::Op& op);

// Emits Conv `op` from NHWC tensor `in` (of NCHW shape xs) into NHWC tensor `out` (shape ys),
// clamped to [lo, hi].
void define_conv(xnn::Emitter& e, const ir::Op& op, uint32_t in, const ir::Shape& xs, const ir::Shape& ys, uint32_t out,
                 float lo, float hi);

}  // namespace dv::ops
