// What the Resize lowering needs of the elementwise family (a nearest upsampling fused with the
// op that reads it, see ir/fuse.h).
#pragma once

#include <xnnpack.h>

#include "engine/ir/graph.h"

namespace dv::ops {

// The XNNPACK operator of Add, Sub, Mul, Div, Min or Max.
xnn_binary_operator binary_kind(const ir::Op& op);

}  // namespace dv::ops
