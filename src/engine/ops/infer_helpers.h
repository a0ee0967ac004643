// What the operators' shape inference and constant folding share (ops/*.cpp).
#pragma once

#include <string>
#include <vector>

#include "engine/ir/graph.h"

namespace dv::ops {

using ir::DType;
using ir::Graph;
using ir::Op;
using ir::Shape;
using ir::Value;

// A ModelError (the model is inconsistent) or an UnsupportedError (it is valid, but the engine
// does not run what it asks), naming the op.
[[noreturn]] void fail(const Op& op, const std::string& why);
[[noreturn]] void unsupported(const Op& op, const std::string& why);

// Input i (fails when omitted) and output i of `op`.
const Value& in(const Graph& g, const Op& op, size_t i);
Value& out(Graph& g, const Op& op, size_t i = 0);
// Sets output i's shape and element type; refuses negative dimensions and tensors over the limit
// before anything is allocated.
void set_shape(Graph& g, const Op& op, Shape s, DType dtype, size_t i = 0);
// Input i as int64s; it must be a constant.
std::vector<int64_t> ints_of(const Graph& g, const Op& op, size_t i);
// `axis` in [-rank, rank) made non-negative.
int64_t norm_axis(const Op& op, int64_t axis, size_t rank);
// Numpy broadcasting of two shapes.
Shape broadcast(const Op& op, const Shape& a, const Shape& b);
// Index into a broadcast input of shape `s` for a flat index of the output shape `o`.
size_t broadcast_index(size_t flat, const Shape& o, const Shape& s);
// Copies element `src` of `a` to element `dst` of `o` (either element type).
void copy_element(const Value& a, size_t src, Value& o, size_t dst);
// Makes output `o` of `op` a zero-filled constant of its shape (within ir::kMaxFoldedElements).
void alloc(const Op& op, Value& o);
// Refuses to compute a constant of `n` elements at load time over ir::kMaxFoldedElements.
void check_folded_size(const Op& op, size_t n);
// The output keeps the input's data (Reshape, Squeeze, Identity …) when that is a constant.
void forward_constant(Graph& g, const Op& op);
// The output has the shape and element type of input 0 (elementwise ops).
void same_shape_as_input(Graph& g, const Op& op);

}  // namespace dv::ops
