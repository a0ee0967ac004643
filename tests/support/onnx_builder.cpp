#include "support/onnx_builder.h"

#include <cstring>

#include <protozero/pbf_writer.hpp>

namespace dv::testing::onnx_build {
namespace {

std::string attr(const std::string& name, int32_t kind, auto&& write_value) {
  std::string out;
  protozero::pbf_writer w(out);
  w.add_string(1, name);
  w.add_int32(20, kind);
  write_value(w);
  return out;
}

void add_dims(protozero::pbf_writer& w, const std::vector<int64_t>& dims) {
  w.add_packed_int64(1, dims.begin(), dims.end());
}

}  // namespace

std::string attr_int(const std::string& name, int64_t v) {
  return attr(name, 2, [&](protozero::pbf_writer& w) { w.add_int64(3, v); });
}
std::string attr_float(const std::string& name, float v) {
  return attr(name, 1, [&](protozero::pbf_writer& w) { w.add_float(2, v); });
}
std::string attr_ints(const std::string& name, const std::vector<int64_t>& v) {
  return attr(name, 7, [&](protozero::pbf_writer& w) { w.add_packed_int64(8, v.begin(), v.end()); });
}
std::string attr_string(const std::string& name, const std::string& v) {
  return attr(name, 3, [&](protozero::pbf_writer& w) { w.add_string(4, v); });
}

std::string node(const std::string& op, const std::vector<std::string>& inputs, const std::vector<std::string>& outputs,
                 const std::string& name, const std::vector<std::string>& attrs) {
  std::string out;
  protozero::pbf_writer w(out);
  for (const auto& i : inputs) w.add_string(1, i);
  for (const auto& o : outputs) w.add_string(2, o);
  if (!name.empty()) w.add_string(3, name);
  w.add_string(4, op);
  for (const auto& a : attrs) w.add_message(5, a);
  return out;
}

std::string float_tensor(const std::string& name, const std::vector<int64_t>& dims, const std::vector<float>& values,
                         bool as_raw) {
  std::string out;
  protozero::pbf_writer w(out);
  add_dims(w, dims);
  w.add_int32(2, 1);
  w.add_string(8, name);
  if (as_raw) {
    std::string raw(values.size() * sizeof(float), '\0');
    std::memcpy(raw.data(), values.data(), raw.size());
    w.add_bytes(9, raw);
  } else {
    w.add_packed_float(4, values.begin(), values.end());
  }
  return out;
}

std::string int64_tensor(const std::string& name, const std::vector<int64_t>& dims,
                         const std::vector<int64_t>& values) {
  std::string out;
  protozero::pbf_writer w(out);
  add_dims(w, dims);
  w.add_int32(2, 7);
  w.add_string(8, name);
  w.add_packed_int64(7, values.begin(), values.end());
  return out;
}

std::string external_tensor(const std::string& name, const std::vector<int64_t>& dims, const std::string& location,
                            uint64_t offset, uint64_t length) {
  std::string out;
  protozero::pbf_writer w(out);
  add_dims(w, dims);
  w.add_int32(2, 1);
  w.add_string(8, name);
  const std::pair<const char*, std::string> entries[] = {
      {"location", location}, {"offset", std::to_string(offset)}, {"length", std::to_string(length)}};
  for (const auto& [key, value] : entries) {
    protozero::pbf_writer entry(w, 13);
    entry.add_string(1, key);
    entry.add_string(2, value);
  }
  w.add_int32(14, 1);
  return out;
}

std::string value_info(const std::string& name, const std::vector<int64_t>& dims, int32_t elem_type) {
  std::string out;
  protozero::pbf_writer w(out);
  w.add_string(1, name);
  {
    protozero::pbf_writer type(w, 2);
    protozero::pbf_writer tensor(type, 1);
    tensor.add_int32(1, elem_type);
    protozero::pbf_writer shape(tensor, 2);
    for (size_t i = 0; i < dims.size(); ++i) {
      protozero::pbf_writer dim(shape, 1);
      if (dims[i] >= 0) dim.add_int64(1, dims[i]);
      else dim.add_string(2, "dyn" + std::to_string(i));
    }
  }
  return out;
}

std::vector<uint8_t> model(const std::vector<std::string>& nodes, const std::vector<std::string>& initializers,
                           const std::vector<std::string>& inputs, const std::vector<std::string>& outputs,
                           int64_t opset) {
  std::string out;
  protozero::pbf_writer w(out);
  w.add_int64(1, 8);
  w.add_string(2, "depthview-tests");
  {
    protozero::pbf_writer graph(w, 7);
    for (const auto& n : nodes) graph.add_message(1, n);
    graph.add_string(2, "test-graph");
    for (const auto& t : initializers) graph.add_message(5, t);
    for (const auto& i : inputs) graph.add_message(11, i);
    for (const auto& o : outputs) graph.add_message(12, o);
  }
  {
    protozero::pbf_writer op(w, 8);
    op.add_string(1, "");
    op.add_int64(2, opset);
  }
  return {out.begin(), out.end()};
}

}  // namespace dv::testing::onnx_build
