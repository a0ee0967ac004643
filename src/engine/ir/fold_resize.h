// Constant folding of ONNX Resize (see fold_resize.cpp).
#pragma once

#include <string>
#include <vector>

#include "engine/ir/graph.h"

namespace dv::ir {

// Resizes the constant `x` to `out_shape` with `op`'s attributes and writes the result into
// `out` (marked constant). `scales` is the Resize's scales input, empty when sizes were given.
// Returns "" on success, else why the attributes cannot be folded.
std::string fold_resize(const Value& x, const Shape& out_shape, const std::vector<float>& scales, const Op& op,
                        Value& out);

}  // namespace dv::ir
