#include "engine/xnn/emitter.h"

#include <algorithm>
#include <new>

#include "engine/xnn/layout.h"

namespace dv::xnn {

using ir::Op;
using ir::Shape;
using onnx::ModelError;

void check(xnn_status s, const Op* op, const char* what) {
  if (s == xnn_status_success) return;
  if (s == xnn_status_out_of_memory) throw std::bad_alloc();  // the engine reports dv_error_out_of_memory
  const std::string msg = std::string("XNNPACK rejected ") + what + " (status " + std::to_string(int(s)) + ")";
  throw ModelError(op ? op->label() + ": " + msg : msg);
}

Emitter::Emitter(const ir::Graph& g, std::vector<std::vector<float>>& owned, SharedWeights& shared, bool int8)
    : g_(g), sg_(nullptr), owned_(owned), shared_(shared), int8_(int8) {}

void Emitter::begin_segment(xnn_subgraph_t sg) {
  sg_ = sg;
  id_.assign(g_.values.size(), XNN_INVALID_VALUE_ID);
  nhwc_.assign(g_.values.size(), false);
  written_direct_.assign(g_.values.size(), false);
  nchw_copy_.clear();
  nhwc_copy_.clear();
  quantized_.clear();
  direct_.clear();
}

uint32_t Emitter::tensor_value(const Shape& shape, const float* data, uint32_t external, uint32_t flags) {
  uint32_t id = 0;
  const auto d = dims_of(shape);
  check(xnn_define_tensor_value(sg_, xnn_datatype_fp32, d.size(), d.data(), data, external, flags, &id), nullptr,
        "a tensor definition");
  return id;
}

uint32_t Emitter::tensor(const Shape& shape, const float* data) {
  return tensor_value(shape, data, XNN_INVALID_VALUE_ID, 0);
}

const float* Emitter::own(std::vector<float> data) {
  owned_.push_back(std::move(data));
  return owned_.back().data();
}

uint32_t Emitter::define_input(int v, uint32_t external) {
  const Shape& s = val(v).shape;
  const uint32_t ext = tensor_value(s, nullptr, external, XNN_VALUE_FLAG_EXTERNAL_INPUT);
  if (s.size() != 4) return id_[size_t(v)] = ext;
  id_[size_t(v)] = tensor(to_nhwc(s));
  nhwc_[size_t(v)] = true;
  check(xnn_define_static_transpose(sg_, 4, kNchwToNhwc, ext, id_[size_t(v)], 0), nullptr, "the input transpose");
  return ext;
}

uint32_t Emitter::define_output(int v, uint32_t external) {
  const Shape& s = val(v).shape;
  if (val(v).is_const) throw ModelError("graph output '" + val(v).name + "' is a constant");
  if (id_[size_t(v)] == XNN_INVALID_VALUE_ID) throw ModelError("graph output '" + val(v).name + "' was not computed");
  if (written_direct_[size_t(v)]) return id_[size_t(v)];
  const uint32_t ext = tensor_value(s, nullptr, external, XNN_VALUE_FLAG_EXTERNAL_OUTPUT);
  if (nhwc_[size_t(v)])
    check(xnn_define_static_transpose(sg_, 4, kNhwcToNchw, id_[size_t(v)], ext, 0), nullptr, "the output transpose");
  else check(xnn_define_copy(sg_, id_[size_t(v)], ext, 0), nullptr, "the output copy");
  return ext;
}

void Emitter::import(int v, uint32_t external) {
  if (std::find(g_.inputs.begin(), g_.inputs.end(), v) != g_.inputs.end()) {
    define_input(v, external);
    return;
  }
  id_[size_t(v)] = tensor_value(val(v).shape, nullptr, external, XNN_VALUE_FLAG_EXTERNAL_INPUT);
}

void Emitter::finish_export(int v) {
  if (written_direct_[size_t(v)]) return;
  if (id_[size_t(v)] == XNN_INVALID_VALUE_ID) throw ModelError("value '" + val(v).name + "' was not computed");
  const uint32_t ext = tensor_value(val(v).shape, nullptr, direct_.at(v), XNN_VALUE_FLAG_EXTERNAL_OUTPUT);
  if (nhwc_[size_t(v)])
    check(xnn_define_static_transpose(sg_, 4, kNhwcToNchw, id_[size_t(v)], ext, 0), nullptr, "a layout change");
  else check(xnn_define_copy(sg_, id_[size_t(v)], ext, 0), nullptr, "a copy between segments");
}

uint32_t Emitter::computed(const Op& op, int v) const {
  if (id_[size_t(v)] == XNN_INVALID_VALUE_ID)
    throw ModelError(op.label() + ": input '" + val(v).name + "' was not computed");
  return id_[size_t(v)];
}

uint32_t Emitter::input(const Op& op, size_t i, bool nhwc_context) {
  const int v = op.input(i);
  if (v < 0) throw ModelError(op.label() + ": input " + std::to_string(i) + " is missing");
  if (!val(v).is_const) return computed(op, v);
  if (val(v).dtype != ir::DType::F32) throw ModelError(op.label() + ": integer tensors cannot be computed on");
  if (!(nhwc_context && val(v).shape.size() <= 4)) return tensor(val(v).shape, constant_data(v));
  Shape s = val(v).shape;
  std::vector<float> relaid = broadcastable_in_nhwc(val(v).f32, s);
  return tensor(s, own(std::move(relaid)));
}

bool Emitter::input_nhwc(const Op& op, size_t i) const { return op.input(i) >= 0 && nhwc_[size_t(op.input(i))]; }

uint32_t Emitter::plain(const Op& op, size_t i) {
  const int v = op.input(i);
  if (v < 0 || !nhwc_[size_t(v)]) return input(op, i);
  auto it = nchw_copy_.find(v);
  if (it != nchw_copy_.end()) return it->second;
  const uint32_t id = tensor(val(v).shape);
  check(xnn_define_static_transpose(sg_, 4, kNhwcToNchw, id_[size_t(v)], id, 0), &op, "a layout change");
  return nchw_copy_[v] = id;
}

uint32_t Emitter::as_nhwc(const Op& op, size_t i) {
  const int v = op.input(i);
  if (v < 0 || val(v).shape.size() != 4) throw ModelError(op.label() + ": needs a 4-D input");
  if (nhwc_[size_t(v)]) return id_[size_t(v)];
  if (val(v).is_const) return input(op, i, true);
  auto it = nhwc_copy_.find(v);
  if (it != nhwc_copy_.end()) return it->second;
  const uint32_t src = input(op, i);
  const uint32_t id = tensor(to_nhwc(val(v).shape));
  check(xnn_define_static_transpose(sg_, 4, kNchwToNhwc, src, id, 0), &op, "a layout change");
  return nhwc_copy_[v] = id;
}

uint32_t Emitter::output(const Op& op, bool nhwc, size_t i) {
  const int v = op.outputs.at(i);
  const Shape& s = val(v).shape;
  nhwc_[size_t(v)] = nhwc && s.size() == 4;
  const Shape dims = nhwc_[size_t(v)] ? to_nhwc(s) : s;
  // An exported value is written where the next step (or the caller) reads it, when its bytes
  // are the same in both layouts: plain, or NHWC with one channel or one pixel.
  const bool same_bytes = !nhwc_[size_t(v)] || s[1] == 1 || s[2] * s[3] == 1;
  if (auto it = direct_.find(v); it != direct_.end() && same_bytes) {
    written_direct_[size_t(v)] = true;
    return id_[size_t(v)] = tensor_value(dims, nullptr, it->second, XNN_VALUE_FLAG_EXTERNAL_OUTPUT);
  }
  return id_[size_t(v)] = tensor(dims);
}

uint32_t Emitter::quantized_output(const Op& op, bool nhwc, bool is_signed, int32_t zero_point, float scale) {
  const int v = op.outputs.at(0);
  const Shape& s = val(v).shape;
  nhwc_[size_t(v)] = nhwc && s.size() == 4;
  const auto d = dims_of(nhwc_[size_t(v)] ? to_nhwc(s) : s);
  uint32_t id = 0;
  check(xnn_define_quantized_tensor_value(sg_, is_signed ? xnn_datatype_qint8 : xnn_datatype_quint8, zero_point, scale,
                                          d.size(), d.data(), nullptr, XNN_INVALID_VALUE_ID, 0, &id),
        &op, "an 8-bit tensor");
  return id_[size_t(v)] = id;
}

const float* Emitter::constant_data(int v) {
  if (val(v).int8) throw ModelError("the int8 weights '" + val(v).name + "' are read as float");
  return val(v).initializer ? val(v).f32.data() : own(val(v).f32);
}

const float* Emitter::relaid_weights(int v, const std::function<std::vector<float>()>& make) {
  return val(v).initializer ? shared_.relaid(v, make) : own(make());
}

uint32_t Emitter::int8_filter(const ir::Int8Weights& w, const Shape& dims) {
  if (size_t(dims[0]) != w.rows || ir::element_count(dims) != w.data.size())
    throw ModelError("int8 weights of " + std::to_string(w.rows) + "x" + std::to_string(w.cols) + " do not fit " +
                     ir::to_string(dims));
  const auto d = dims_of(dims);
  uint32_t id = 0;
  check(xnn_define_channelwise_quantized_tensor_value(sg_, xnn_datatype_qcint8, w.scale.data(), d.size(), 0, d.data(),
                                                      w.data.data(), XNN_INVALID_VALUE_ID, 0, &id),
        nullptr, "an int8 filter");
  return id;
}

const ir::Int8Weights& Emitter::shared_int8(int v, const std::function<ir::Int8Weights()>& make) {
  return shared_.quantized(v, make);
}

void Emitter::alias(const Op& op) {
  const int x = op.input(0), y = op.outputs.at(0);
  id_[size_t(y)] = computed(op, x);
  nhwc_[size_t(y)] = nhwc_[size_t(x)];
}

uint32_t Emitter::quantize_activation(const Op& op, uint32_t f32, const Shape& shape, size_t nonbatch) {
  const auto key = std::make_pair(f32, nonbatch);
  if (auto it = quantized_.find(key); it != quantized_.end()) return it->second;
  const auto d = dims_of(shape);
  uint32_t id = 0;
  check(xnn_define_dynamically_quantized_tensor_value(sg_, xnn_datatype_qdint8, d.size(), nonbatch, d.data(),
                                                      XNN_INVALID_VALUE_ID, 0, &id),
        &op, "a dynamically quantized tensor");
  check(xnn_define_unary(sg_, xnn_unary_convert, nullptr, f32, id, 0), &op, "the activation quantization");
  return quantized_[key] = id;
}

}  // namespace dv::xnn
