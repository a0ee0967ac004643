// Tensor layouts inside the XNNPACK subgraph. XNNPACK's convolutions and resizes work on NHWC, so
// 4-D activations live in NHWC there; the graph's NCHW inputs are transposed once on entry and its
// outputs once on exit, and other ops see a plain (ONNX) copy only where they need one.
#pragma once

#include <cstddef>
#include <vector>

#include "engine/ir/graph.h"

namespace dv::xnn {

constexpr size_t kNchwToNhwc[4] = {0, 2, 3, 1};
constexpr size_t kNhwcToNchw[4] = {0, 3, 1, 2};

inline ir::Shape to_nhwc(const ir::Shape& s) { return {s[0], s[2], s[3], s[1]}; }
inline std::vector<size_t> dims_of(const ir::Shape& s) { return {s.begin(), s.end()}; }
// The NHWC axis that holds NCHW axis `axis` of a 4-D tensor.
size_t nhwc_axis(size_t axis);

// A constant of rank <= 4 re-laid to broadcast against an NHWC activation: padded to rank 4 from
// the left (as broadcasting does), then permuted to NHWC. Returns the data; `shape` becomes NHWC.
std::vector<float> broadcastable_in_nhwc(const std::vector<float>& data, ir::Shape& shape);

}  // namespace dv::xnn
