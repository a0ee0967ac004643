// What the Resize lowering needs of the convolution family (a 1x1 Conv run before the upsampling
// that feeds it, see ir/fuse.h).
#pragma once

#include <cstdint>

#include "engine/ir/graph.h"

namespace dv::xnn {
class Emitter;
}

namespace dv::ops {

// Emits Conv `op` from NHWC tensor `in` (of NCHW shape xs) into NHWC tensor `out` (shape ys),
// clamped to [lo, hi].
void define_conv(xnn::Emitter& e, const ir::Op& op, uint32_t in, const ir::Shape& xs, const ir::Shape& ys, uint32_t out,
                 float lo, float hi);

}  // namespace dv::ops
