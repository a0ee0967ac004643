// How a runtime splits a graph's fused ops into steps: runs of ops lowered into one XNNPACK
// subgraph (segments) and, between them, the ops an engine kernel computes (kernels/kernel.h).
// Values read in another step than the one that computed them cross in buffers of the runtime,
// in plain (ONNX) layout. Without kernels there is one segment, as before kernels existed.
#pragma once

#include <cstddef>
#include <vector>

#include "engine/ir/fuse.h"

namespace dv::xnn {

struct Step {
  bool kernel = false;       // one op computed by an engine kernel; else a segment
  std::vector<size_t> ops;   // indices into the fused ops
  std::vector<int> imports;  // values it reads that another step (or the caller) provides
  std::vector<int> exports;  // values it computes that another step (or the caller) reads
};

// The steps for `ops` (ir::fuse's order), where kernel[i] says op i runs as an engine kernel.
std::vector<Step> plan_steps(const ir::Graph& g, const std::vector<ir::FusedOp>& ops, const std::vector<bool>& kernel);

// Where the crossing values live: buffer[v] is the index of value v's buffer (-1: none, graph
// inputs and outputs have the caller's, unless an output is read again: the caller's memory has
// no XNN_EXTRA_BYTES), one buffer serving values whose steps do not overlap.
struct BufferPlan {
  std::vector<int> buffer;     // value → buffer
  std::vector<size_t> floats;  // buffer → size
};
BufferPlan plan_buffers(const ir::Graph& g, const std::vector<Step>& steps);

}  // namespace dv::xnn
