// The operator registry: one entry per ONNX operator the engine knows, each defined in the file of
// its family (ops/*.cpp) and collected in one table (registry.cpp). Shape inference (ir/infer.cpp)
// and the lowering to XNNPACK (xnn/runtime.cpp) dispatch through it, so an operator lives in one
// place: its shapes, its constant folding, its lowering and whether int8 mode quantizes it.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "engine/ir/fuse.h"
#include "engine/ir/graph.h"

namespace dv::xnn {
class Emitter;
}
namespace dv::kernels {
class Kernel;
}

namespace dv::ops {

struct OpDef {
  std::string_view type;
  // Sets the output shapes; computes the outputs when every input is a constant (or throws a
  // ModelError saying it cannot).
  void (*infer)(ir::Graph& g, ir::Op& op) = nullptr;
  // Emits XNNPACK nodes for an op on activations; nullptr: the op only folds (shape arithmetic),
  // and a model that computes it on activations is refused at load.
  void (*lower)(xnn::Emitter& e, const ir::FusedOp& op) = nullptr;
  // Whether int8 mode quantizes this op's weights (input 1); nullptr: never.
  bool (*int8_weights)(const ir::Graph& g, const ir::Op& op) = nullptr;
  // Reads only its input's shape (Shape): its output is known once the input sizes are.
  bool shape_only = false;
  // The operator set it belongs to: "" for ONNX's default one, else e.g. "com.microsoft".
  std::string_view domain = "";
  // Rewrites the op at import into others that run (quantized patterns, see ir::rewrite_quantized);
  // nullptr: kept as it is.
  void (*rewrite)(ir::Graph& g, int op_index) = nullptr;
  // Whether it reads 8-bit integer tensors (quantized codes and zero points); other ops refuse them.
  bool reads_8bit = false;
  // An engine kernel computing the op at its inferred shapes, run between XNNPACK segments
  // (kernels/kernel.h); nullptr, or a null result: it is lowered into XNNPACK.
  std::unique_ptr<kernels::Kernel> (*kernel)(const ir::Graph& g, const ir::FusedOp& op, bool int8) = nullptr;
};

// The entry for an ONNX operator type, or nullptr.
const OpDef* find(std::string_view type);
// Every entry, in the order of the table.
const std::vector<OpDef>& all();

// Refuses, naming op and node, an operator the table lacks, and one that computes on activations
// (after fusion) without a lowering. Needs Op::computed (set by ir::import).
void check_supported(const ir::Graph& g);

// What each family file adds to the table.
void add_activation_ops(std::vector<OpDef>& table);
void add_binary_ops(std::vector<OpDef>& table);
void add_conv_ops(std::vector<OpDef>& table);
void add_matmul_ops(std::vector<OpDef>& table);
void add_normalization_ops(std::vector<OpDef>& table);
void add_resize_ops(std::vector<OpDef>& table);
void add_reshape_ops(std::vector<OpDef>& table);
void add_transpose_ops(std::vector<OpDef>& table);
void add_concat_ops(std::vector<OpDef>& table);
void add_slice_ops(std::vector<OpDef>& table);
void add_shape_ops(std::vector<OpDef>& table);
void add_quantize_linear_ops(std::vector<OpDef>& table);
void add_integer_ops(std::vector<OpDef>& table);
void add_blockwise_ops(std::vector<OpDef>& table);

}  // namespace dv::ops
