// The engine's graph IR: ONNX values and nodes with concrete shapes and, where known at load
// time, constant data. Shape subgraphs are folded to constants here, so the lowering to
// XNNPACK only sees the operators that compute on activations.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "depthview/engine.h"
#include "engine/onnx/onnx_model.h"

namespace dv::ir {

using Shape = std::vector<int64_t>;
std::string to_string(const Shape& s);  // "1x3x320x320"
size_t element_count(const Shape& s);

// Resource limits, so a hostile or broken model is refused with a message instead of exhausting
// memory: no tensor over 2^30 elements (4 GB of float), no more than this many nodes, and all the
// activations of one input size within a memory budget (less in 32-bit WebAssembly).
constexpr size_t kMaxTensorElements = size_t(1) << 30;
// A constant computed at load time (shape arithmetic, position embeddings resized to the patch
// grid: at most a few million values in real models) is smaller still, so a hostile model cannot
// make the load compute and hold gigabytes.
constexpr size_t kMaxFoldedElements = size_t(1) << 23;
constexpr size_t kMaxNodes = 200'000;
constexpr size_t kMaxRank = DV_MAX_DIMS;  // the public API's limit
constexpr uint64_t kActivationBudgetBytes = sizeof(void*) == 4 ? (uint64_t(3) << 30) : (uint64_t(32) << 30);
// The element count of a shape, or a ModelError naming `what` when a dimension is negative or the
// count is over kMaxTensorElements (also guards the multiplication against overflow).
size_t checked_element_count(const Shape& s, const std::string& what);

// Element types after import: float16/float64 become float32; integer and bool types become int64
// (they describe shapes, indices and masks in depth models), except 8-bit integers, which hold the
// codes of quantized models and stay 8-bit (`bytes`). Only the quantization operators read them.
enum class DType { F32, I64, I8, U8 };
bool is_8bit(DType t);

// A float weight held as int8 codes with one scale per output channel (value = code * scale): the
// layers of a quantized model file, kept at a quarter of the float size. Rows are output channels:
// MatMul's B [K, N] is held as [N, K]; Conv's [O, I/g, kh, kw] as [O, I/g * kh * kw].
struct Int8Weights {
  size_t rows = 0, cols = 0;
  std::vector<int8_t> data;  // rows x cols
  std::vector<float> scale;  // one per row, then kScalePadding more
  static constexpr size_t kScalePadding = 32;  // XNNPACK reads up to XNN_EXTRA_BYTES (<= 128) past the end
};
// Codes (row-major rows x cols, any integer range) times a scale per row, held as int8: rows whose
// codes fit [-128, 127] are kept exactly, others re-quantized to 127 steps of their largest value.
Int8Weights make_int8_weights(size_t rows, size_t cols, const std::vector<int32_t>& codes,
                              const std::vector<float>& row_scale);
// Float rows (rows x cols) quantized to int8 with one scale per row (the int8 mode).
Int8Weights quantize_rows(size_t rows, size_t cols, const std::vector<float>& matrix);

struct Value {
  std::string name;
  DType dtype = DType::F32;
  Shape shape;             // valid once inferred (or for constants)
  bool shape_known = false;
  bool is_const = false;   // data below is valid
  bool initializer = false; // constant from the model file (kept across infer_shapes calls)
  std::vector<float> f32;
  std::vector<int64_t> i64;
  std::vector<uint8_t> bytes;  // I8 (two's complement) and U8 data
  std::shared_ptr<const Int8Weights> int8;  // an F32 weight held as int8 (`f32` is empty)
  int producer = -1;       // op index, -1 for graph inputs and constants
  int consumers = 0;       // number of op inputs reading it (graph outputs count too)
};

struct Op {
  std::string type, name;
  std::vector<int> inputs;   // value ids; -1 for an omitted optional input
  std::vector<int> outputs;
  const onnx::Node* node = nullptr;  // for attributes; points into Graph::model
  std::vector<onnx::Attribute> attributes;  // set by passes (fusion); found before the node's
  bool computed = false;             // reads an activation (at any input size; set at import)
  bool folded = false;               // outputs are constants; nothing to run
  bool removed = false;              // folded into its neighbours at import (no inputs/outputs)

  int64_t attr_int(const char* attr, int64_t fallback) const;
  float attr_float(const char* attr, float fallback) const;
  std::string attr_string(const char* attr, const std::string& fallback) const;
  std::vector<int64_t> attr_ints(const char* attr) const;
  bool has_attr(const char* attr) const;
  const onnx::Attribute* attribute(const char* attr) const;
  std::string label() const;  // "Conv node 'name'"
  int input(size_t i) const { return i < inputs.size() ? inputs[i] : -1; }
};

// Not copyable: ops point into the model's nodes (a copy would point into the original).
struct Graph {
  Graph() = default;
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;
  Graph(Graph&&) = default;  // moving the node vector keeps the nodes where they are
  Graph& operator=(Graph&&) = default;

  onnx::Model model;  // owns the nodes the ops point into
  std::vector<Value> values;
  std::vector<Op> ops;
  std::vector<int> inputs, outputs;  // non-constant graph inputs; graph outputs
  int opset = 0;

  int find(const std::string& name) const;  // -1 when absent
  bool is_const(int v) const { return v >= 0 && values[v].is_const; }
};

// Builds the IR from a parsed model: converts initializers (fp16 → fp32), rejects NaN/Inf
// weights, unknown element types and graphs whose nodes are not in topological order, and
// refuses operators the registry lacks or cannot run on activations (ops::check_supported).
// Throws onnx::ModelError.
Graph import(onnx::Model model);

// Folds constant scales after projections (MatMul + Add) and LayerNormalization's scale and bias
// into the projections' weights (see fold_weights.cpp). Called by import().
void fold_weights(Graph& g);

// Rewrites the quantized patterns of fp16 / 8-bit / 4-bit model files into the float operators the
// lowering runs, their weights held as Int8Weights (each operator's `rewrite` in the registry).
// Called by import(), before the file bytes are dropped.
void rewrite_quantized(Graph& g);

// Graph surgery for such rewrites; consumer counts follow, and an op (or initializer) left with
// no reader is dropped (its data freed). Every op that reads `from` reads `to` instead (graph
// outputs keep `from`).
void replace_uses(Graph& g, int from, int to);
// Op `index` reads `inputs` instead of its own.
void set_inputs(Graph& g, int index, const std::vector<int>& inputs);
// Op `to` writes the outputs of op `from`, which is dropped.
void move_outputs(Graph& g, int from, int to);
// Drops op `index` (its inputs lose a reader).
void remove_op(Graph& g, int index);
// A new constant value of `shape`: its data is set by the caller.
int add_constant(Graph& g, const std::string& name, const Shape& shape, DType dtype);

// Sets the shapes of the graph inputs (NCHW), infers every shape and folds every op whose
// inputs are all constant. Throws onnx::ModelError naming the op on unsupported operators or
// inconsistent shapes. Can be called again with other input shapes (the import is kept).
void infer_shapes(Graph& g, const std::vector<Shape>& input_shapes);

}  // namespace dv::ir
