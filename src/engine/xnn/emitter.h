// Emission: what the operators' lowerings (ops/*.cpp) use to add XNNPACK nodes for IR ops — value
// ids, the layout each activation has inside XNNPACK (layout.h), constants and weights.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <xnnpack.h>

#include "engine/ir/graph.h"
#include "engine/xnn/weights.h"

namespace dv::xnn {

constexpr float kInf = std::numeric_limits<float>::infinity();

// Throws a ModelError naming `op` (if any) and `what` unless `s` is success.
void check(xnn_status s, const ir::Op* op, const char* what);

class Emitter {
 public:
  // `owned`: weights and constants made for this runtime (they must live as long as it does).
  Emitter(const ir::Graph& g, std::vector<std::vector<float>>& owned, SharedWeights& shared, bool int8);

  // Starts emitting into `sg`, one segment of the runtime (xnn/segments.h): values of earlier
  // segments are known only once imported.
  void begin_segment(xnn_subgraph_t sg);

  const ir::Graph& graph() const { return g_; }
  const ir::Value& val(int v) const { return g_.values[size_t(v)]; }
  xnn_subgraph_t subgraph() const { return sg_; }
  bool int8() const { return int8_; }

  // Graph inputs (NCHW; 4-D ones transposed to NHWC) and outputs (back to NCHW, unless the op
  // wrote the output itself: plan_export).
  uint32_t define_input(int v, uint32_t external);
  uint32_t define_output(int v, uint32_t external);
  // A value another step computed (a graph input as define_input does), in plain layout.
  void import(int v, uint32_t external);
  // Value v goes to another step, in plain layout: the op computing it writes there when it can
  // (call before lowering the segment's ops); finish_export adds the layout change or copy else.
  void plan_export(int v, uint32_t external) { direct_[v] = external; }
  void finish_export(int v);

  // A new fp32 tensor; static when `data` is given (it must outlive the runtime).
  uint32_t tensor(const ir::Shape& shape, const float* data = nullptr);
  // Keeps `data` alive as long as the runtime.
  const float* own(std::vector<float> data);

  // Operand i of `op`: an activation as it is (either layout); a constant as a static tensor,
  // re-laid to broadcast against an NHWC activation when `nhwc_context`.
  uint32_t input(const ir::Op& op, size_t i, bool nhwc_context = false);
  // Operand i in plain (ONNX) layout: NHWC activations are transposed once and the copy reused.
  uint32_t plain(const ir::Op& op, size_t i);
  // Operand i as a 4-D NHWC tensor (what convolutions and resizes need).
  uint32_t as_nhwc(const ir::Op& op, size_t i);
  bool input_nhwc(const ir::Op& op, size_t i) const;
  // The tensor op's output i is written to, in NHWC when `nhwc` (and the output is 4-D).
  uint32_t output(const ir::Op& op, bool nhwc, size_t i = 0);
  // The same for an 8-bit output with one scale and zero point (QuantizeLinear).
  uint32_t quantized_output(const ir::Op& op, bool nhwc, bool is_signed, int32_t zero_point, float scale);

  // Weights from the model's initializers (no copy); constants folded at this size are copied.
  const float* constant_data(int v);
  // A re-laid copy of initializer v, made once per model (so XNNPACK's packed-weights cache
  // hits for every input size); folded constants are re-laid per runtime.
  const float* relaid_weights(int v, const std::function<std::vector<float>()>& make);
  // An int8 filter tensor of `dims` (dims[0] = w.rows output channels) holding `w`, which must
  // outlive the runtime (a value's own Int8Weights, or shared_int8's).
  uint32_t int8_filter(const ir::Int8Weights& w, const ir::Shape& dims);
  // The int8 weights `make` returns for initializer v, made once per model.
  const ir::Int8Weights& shared_int8(int v, const std::function<ir::Int8Weights()>& make);
  // Output 0 of `op` is its input 0 (an op that changes nothing in float, such as a Cast to float16).
  void alias(const ir::Op& op);
  // f32 tensor → int8 with a scale per row of its last `nonbatch` dims, recomputed each run; once
  // for all the layers that read it (attention's query, key and value projections).
  uint32_t quantize_activation(const ir::Op& op, uint32_t f32, const ir::Shape& shape, size_t nonbatch);

 private:
  const ir::Graph& g_;
  xnn_subgraph_t sg_;
  std::vector<std::vector<float>>& owned_;
  SharedWeights& shared_;
  bool int8_;
  std::vector<uint32_t> id_;                       // value → XNNPACK id
  std::vector<bool> nhwc_;                         // value → lives in NHWC
  std::map<int, uint32_t> nchw_copy_, nhwc_copy_;  // value → the same data in the other layout
  std::map<std::pair<uint32_t, size_t>, uint32_t> quantized_;  // (f32 tensor, nonbatch dims) → its int8 copy
  std::map<int, uint32_t> direct_;                 // exported value → its external id
  std::vector<bool> written_direct_;               // value → its op wrote the external tensor

  uint32_t tensor_value(const ir::Shape& shape, const float* data, uint32_t external, uint32_t flags);
  uint32_t computed(const ir::Op& op, int v) const;
};

}  // namespace dv::xnn
