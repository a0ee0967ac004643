// What the quantized operators (quantize_linear.cpp, integer.cpp, blockwise.cpp) share: reading
// codes, zero points and scales from initializers, and making the weight a rewritten MatMul or
// Conv reads (ir::Int8Weights, or float where the lowering cannot run int8).
#pragma once

#include <string>
#include <vector>

#include "engine/ops/infer_helpers.h"

namespace dv::ops {

// Input i of `op`, which must be a constant from the file (`what` names it in the error).
const Value& constant_input(const Graph& g, const Op& op, size_t i, const std::string& what);
// An 8-bit constant's values (int8 or uint8).
std::vector<int32_t> codes_of(const Value& v);
// The zero point of 8-bit data `data` (input i, optional: 0 when omitted), one value or one per
// `channels`; it must have the data's element type.
std::vector<int32_t> zero_points(const Graph& g, const Op& op, size_t i, const Value& data, size_t channels);
// A float constant with one value, or one per `channels` (input i; `what` names it).
std::vector<float> scales(const Graph& g, const Op& op, size_t i, size_t channels, const std::string& what);
// A constant's values repeated to one per channel (a single value broadcast), or empty when its
// count is neither 1 nor `channels`.
template <typename T>
std::vector<T> per_channel(const std::vector<T>& values, size_t channels) {
  if (values.size() == channels) return values;
  if (values.size() == 1) return std::vector<T>(channels, values[0]);
  return {};
}

// How a weight's rows (output channels) sit in its ONNX layout.
enum class WeightLayout {
  rows,        // Conv [O, I/g, kh, kw]: row o is the o-th slice
  transposed,  // MatMul [K, N]: row n is column n
};
// A new constant `name` of ONNX shape `shape`, from rows x cols codes and a scale per row: held as
// ir::Int8Weights when `int8`, else as dequantized floats.
int weight_from_codes(Graph& g, const std::string& name, const Shape& shape, WeightLayout layout, size_t rows,
                      size_t cols, const std::vector<int32_t>& codes, const std::vector<float>& row_scale, bool int8);
// The same from float rows (rows x cols): quantized per row when `int8`.
int weight_from_floats(Graph& g, const std::string& name, const Shape& shape, WeightLayout layout, size_t rows,
                       size_t cols, const std::vector<float>& matrix, bool int8);

// Ops reading value v (by index), in graph order.
std::vector<int> readers_of(const Graph& g, int v);
// The only op reading v, or -1 (none, several, or v is a graph output).
int sole_reader(const Graph& g, int v);

}  // namespace dv::ops
