// The engine's graph IR: ONNX values and nodes with concrete shapes and, where known at load
// time, constant data. Shape subgraphs are folded to constants here, so the lowering to
// XNNPACK only sees the operators that compute on activations.
#pragma once

#include <cstdint>
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

// Only two element types survive import: float16/float64 become float32, integer and bool
// types become int64 (they only ever describe shapes, indices and masks in depth models).
enum class DType { F32, I64 };

struct Value {
  std::string name;
  DType dtype = DType::F32;
  Shape shape;             // valid once inferred (or for constants)
  bool shape_known = false;
  bool is_const = false;   // data below is valid
  bool initializer = false; // constant from the model file (kept across infer_shapes calls)
  std::vector<float> f32;
  std::vector<int64_t> i64;
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

// Sets the shapes of the graph inputs (NCHW), infers every shape and folds every op whose
// inputs are all constant. Throws onnx::ModelError naming the op on unsupported operators or
// inconsistent shapes. Can be called again with other input shapes (the import is kept).
void infer_shapes(Graph& g, const std::vector<Shape>& input_shapes);

}  // namespace dv::ir
