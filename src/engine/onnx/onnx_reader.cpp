// ONNX wire format → dv::onnx::Model, with protozero. Field numbers are those of onnx.proto.
#include <algorithm>
#include <cstring>
#include <fstream>
#include <limits>

#include <protozero/pbf_reader.hpp>

#include "engine/onnx/onnx_model.h"

namespace dv::onnx {
namespace {

using protozero::pbf_reader;
using protozero::pbf_wire_type;

// protozero asserts (or misreads) when a field is read with the wrong wire type; a malformed
// file must give an error instead, so every read checks the type first.
void expect(const pbf_reader& r, pbf_wire_type type, const char* what) {
  if (r.wire_type() != type)
    throw ModelError(std::string("malformed ONNX model: field '") + what + "' has the wrong wire type");
}

std::string get_string(pbf_reader& r, const char* what) {
  expect(r, pbf_wire_type::length_delimited, what);
  return r.get_string();
}

int64_t get_int64(pbf_reader& r, const char* what) {
  expect(r, pbf_wire_type::varint, what);
  return r.get_int64();
}

// Repeated int64: packed (length-delimited) or one varint per element.
void append_int64s(pbf_reader& r, std::vector<int64_t>& out, const char* what) {
  if (r.wire_type() == pbf_wire_type::length_delimited) {
    for (int64_t v : r.get_packed_int64()) out.push_back(v);
  } else {
    out.push_back(get_int64(r, what));
  }
}

void append_floats(pbf_reader& r, std::vector<float>& out, const char* what) {
  if (r.wire_type() == pbf_wire_type::length_delimited) {
    for (float v : r.get_packed_float()) out.push_back(v);
  } else {
    expect(r, pbf_wire_type::fixed32, what);
    out.push_back(r.get_float());
  }
}

std::span<const uint8_t> as_bytes(protozero::data_view v) {
  return {reinterpret_cast<const uint8_t*>(v.data()), v.size()};
}

// Holds the typed fields of a TensorProto until we know its data type.
struct TypedFields {
  std::vector<float> floats;
  std::vector<int64_t> int32s, int64s;  // int32_data also carries int8/uint8/bool/float16 bits
  std::vector<double> doubles;
};

std::span<const uint8_t> own(Model& model, std::vector<uint8_t> bytes) {
  auto stored = std::make_shared<const std::vector<uint8_t>>(std::move(bytes));
  model.storage.push_back(stored);
  return {stored->data(), stored->size()};
}

template <typename T, typename Src>
std::vector<uint8_t> pack(const std::vector<Src>& values) {
  std::vector<uint8_t> bytes(values.size() * sizeof(T));
  for (size_t k = 0; k < values.size(); ++k) {
    const T v = static_cast<T>(values[k]);
    std::memcpy(bytes.data() + k * sizeof(T), &v, sizeof(T));
  }
  return bytes;
}

// Converts typed fields (float_data, int32_data, …) into little-endian raw bytes.
std::span<const uint8_t> typed_to_raw(Model& model, const Tensor& t, const TypedFields& f) {
  switch (t.type) {
    case DataType::Float: return own(model, pack<float>(f.floats));
    case DataType::Double: return own(model, pack<double>(f.doubles));
    case DataType::Int64: return own(model, pack<int64_t>(f.int64s));
    case DataType::Int32: return own(model, pack<int32_t>(f.int32s));
    case DataType::Int16: return own(model, pack<int16_t>(f.int32s));
    case DataType::Uint16:
    case DataType::Float16:
    case DataType::Bfloat16: return own(model, pack<uint16_t>(f.int32s));
    case DataType::Int8: return own(model, pack<int8_t>(f.int32s));
    case DataType::Uint8:
    case DataType::Bool: return own(model, pack<uint8_t>(f.int32s));
    default: return {};
  }
}

void parse_external_entry(pbf_reader r, Tensor& t) {
  std::string key, value;
  while (r.next()) {
    if (r.tag() == 1) key = get_string(r, "external_data.key");
    else if (r.tag() == 2) value = get_string(r, "external_data.value");
    else r.skip();
  }
  try {
    if (key == "location") t.external_data.location = value;
    else if (key == "offset") t.external_data.offset = std::stoull(value);
    else if (key == "length") t.external_data.length = std::stoll(value);
  } catch (const std::exception&) {
    throw ModelError("malformed ONNX model: initializer '" + t.name + "' has external_data " + key + "='" + value +
                     "'");
  }
}

Tensor parse_tensor(pbf_reader r, Model& model) {
  Tensor t;
  TypedFields typed;
  bool has_raw = false;
  while (r.next()) {
    switch (r.tag()) {
      case 1: append_int64s(r, t.dims, "tensor.dims"); break;
      case 2: t.type = static_cast<DataType>(get_int64(r, "tensor.data_type")); break;
      case 4: append_floats(r, typed.floats, "tensor.float_data"); break;
      case 5: append_int64s(r, typed.int32s, "tensor.int32_data"); break;
      case 7: append_int64s(r, typed.int64s, "tensor.int64_data"); break;
      case 8: t.name = get_string(r, "tensor.name"); break;
      case 9:
        expect(r, pbf_wire_type::length_delimited, "tensor.raw_data");
        t.raw = as_bytes(r.get_view());
        has_raw = true;
        break;
      case 10:
        if (r.wire_type() == pbf_wire_type::length_delimited) {
          for (double v : r.get_packed_double()) typed.doubles.push_back(v);
        } else {
          expect(r, pbf_wire_type::fixed64, "tensor.double_data");
          typed.doubles.push_back(r.get_double());
        }
        break;
      case 13:
        expect(r, pbf_wire_type::length_delimited, "tensor.external_data");
        parse_external_entry(r.get_message(), t);
        break;
      case 14: t.external = get_int64(r, "tensor.data_location") == 1; break;
      default: r.skip();
    }
  }
  for (int64_t d : t.dims)
    if (d < 0) throw ModelError("malformed ONNX model: tensor '" + t.name + "' has a negative dimension");
  if (!has_raw && !t.external) t.raw = typed_to_raw(model, t, typed);
  return t;
}

ValueInfo parse_value_info(pbf_reader r) {
  ValueInfo v;
  while (r.next()) {
    if (r.tag() == 1) {
      v.name = get_string(r, "value_info.name");
      continue;
    }
    if (r.tag() != 2) {
      r.skip();
      continue;
    }
    expect(r, pbf_wire_type::length_delimited, "value_info.type");
    pbf_reader type = r.get_message();
    while (type.next()) {
      if (type.tag() != 1) {
        type.skip();
        continue;
      }  // only tensor types matter here
      expect(type, pbf_wire_type::length_delimited, "type.tensor_type");
      pbf_reader tensor = type.get_message();
      while (tensor.next()) {
        if (tensor.tag() == 1) {
          v.type = static_cast<DataType>(get_int64(tensor, "tensor_type.elem_type"));
          continue;
        }
        if (tensor.tag() != 2) {
          tensor.skip();
          continue;
        }
        expect(tensor, pbf_wire_type::length_delimited, "tensor_type.shape");
        pbf_reader shape = tensor.get_message();
        while (shape.next()) {
          if (shape.tag() != 1) {
            shape.skip();
            continue;
          }
          expect(shape, pbf_wire_type::length_delimited, "shape.dim");
          pbf_reader dim = shape.get_message();
          Dim d;
          while (dim.next()) {
            if (dim.tag() == 1) d.value = get_int64(dim, "dim.dim_value");
            else if (dim.tag() == 2) d.param = get_string(dim, "dim.dim_param");
            else dim.skip();
          }
          v.shape.push_back(d);
        }
      }
    }
  }
  return v;
}

Attribute parse_attribute(pbf_reader r, Model& model) {
  Attribute a;
  while (r.next()) {
    switch (r.tag()) {
      case 1: a.name = get_string(r, "attribute.name"); break;
      case 20: a.kind = static_cast<Attribute::Kind>(get_int64(r, "attribute.type")); break;
      case 2:
        expect(r, pbf_wire_type::fixed32, "attribute.f");
        a.f = r.get_float();
        break;
      case 3: a.i = get_int64(r, "attribute.i"); break;
      case 4: a.s = get_string(r, "attribute.s"); break;
      case 5:
        expect(r, pbf_wire_type::length_delimited, "attribute.t");
        a.t = std::make_shared<Tensor>(parse_tensor(r.get_message(), model));
        break;
      case 7: append_floats(r, a.floats, "attribute.floats"); break;
      case 8: append_int64s(r, a.ints, "attribute.ints"); break;
      default: r.skip();  // strings, graphs, sparse tensors, type protos: not used by depth models
    }
  }
  return a;
}

Node parse_node(pbf_reader r, Model& model) {
  Node n;
  while (r.next()) {
    switch (r.tag()) {
      case 1: n.inputs.push_back(get_string(r, "node.input")); break;
      case 2: n.outputs.push_back(get_string(r, "node.output")); break;
      case 3: n.name = get_string(r, "node.name"); break;
      case 4: n.op_type = get_string(r, "node.op_type"); break;
      case 7: n.domain = get_string(r, "node.domain"); break;
      case 5:
        expect(r, pbf_wire_type::length_delimited, "node.attribute");
        n.attributes.push_back(parse_attribute(r.get_message(), model));
        break;
      default: r.skip();
    }
  }
  if (n.op_type.empty()) throw ModelError("malformed ONNX model: a node ('" + n.name + "') has no op_type");
  return n;
}

Graph parse_graph(pbf_reader r, Model& model) {
  Graph g;
  while (r.next()) {
    if (r.wire_type() != pbf_wire_type::length_delimited) {
      r.skip();
      continue;
    }
    switch (r.tag()) {
      case 1: g.nodes.push_back(parse_node(r.get_message(), model)); break;
      case 5: g.initializers.push_back(parse_tensor(r.get_message(), model)); break;
      case 11: g.inputs.push_back(parse_value_info(r.get_message())); break;
      case 12: g.outputs.push_back(parse_value_info(r.get_message())); break;
      default: r.skip();
    }
  }
  return g;
}

std::vector<uint8_t> read_file(const std::string& path, uint64_t offset, int64_t length, const std::string& what) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw ModelError("cannot open " + what + " '" + path + "'");
  const auto size = static_cast<uint64_t>(in.tellg());
  const uint64_t want = length < 0 ? (size >= offset ? size - offset : 0) : static_cast<uint64_t>(length);
  if (offset > size || want > size - offset) {
    throw ModelError(what + " '" + path + "' is too short: " + std::to_string(size) + " bytes, need " +
                     std::to_string(offset + want));
  }
  std::vector<uint8_t> bytes(want);
  in.seekg(static_cast<std::streamoff>(offset));
  if (want > 0 && !in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(want)))
    throw ModelError("cannot read " + what + " '" + path + "'");
  return bytes;
}

}  // namespace

const char* to_string(DataType t) {
  switch (t) {
    case DataType::Float: return "float32";
    case DataType::Uint8: return "uint8";
    case DataType::Int8: return "int8";
    case DataType::Uint16: return "uint16";
    case DataType::Int16: return "int16";
    case DataType::Int32: return "int32";
    case DataType::Int64: return "int64";
    case DataType::String: return "string";
    case DataType::Bool: return "bool";
    case DataType::Float16: return "float16";
    case DataType::Double: return "float64";
    case DataType::Uint32: return "uint32";
    case DataType::Uint64: return "uint64";
    case DataType::Bfloat16: return "bfloat16";
    default: return "unknown";
  }
}

size_t element_size(DataType t) {
  switch (t) {
    case DataType::Uint8:
    case DataType::Int8:
    case DataType::Bool: return 1;
    case DataType::Uint16:
    case DataType::Int16:
    case DataType::Float16:
    case DataType::Bfloat16: return 2;
    case DataType::Float:
    case DataType::Int32:
    case DataType::Uint32: return 4;
    case DataType::Int64:
    case DataType::Double:
    case DataType::Uint64: return 8;
    default: return 0;
  }
}

size_t Tensor::element_count() const {
  size_t n = 1;
  for (int64_t d : dims) {
    if (d != 0 && n > std::numeric_limits<size_t>::max() / static_cast<size_t>(d))
      throw ModelError("tensor '" + name + "' is too large");
    n *= static_cast<size_t>(d);
  }
  return n;
}

const Attribute* Node::attribute(const std::string& attr_name) const {
  for (const Attribute& a : attributes)
    if (a.name == attr_name) return &a;
  return nullptr;
}

std::string Node::label() const { return op_type + " node '" + name + "'"; }

int64_t Model::default_opset() const {
  for (const OpsetId& o : opsets)
    if (o.domain.empty() || o.domain == "ai.onnx") return o.version;
  return 0;
}

Model parse_model(std::shared_ptr<const std::vector<uint8_t>> bytes) {
  if (!bytes || bytes->empty()) throw ModelError("not an ONNX model: the file is empty");
  Model model;
  model.storage.push_back(bytes);
  bool has_graph = false;
  try {
    pbf_reader r(reinterpret_cast<const char*>(bytes->data()), bytes->size());
    while (r.next()) {
      switch (r.tag()) {
        case 1: model.ir_version = get_int64(r, "model.ir_version"); break;
        case 7:
          expect(r, pbf_wire_type::length_delimited, "model.graph");
          model.graph = parse_graph(r.get_message(), model);
          has_graph = true;
          break;
        case 8: {
          expect(r, pbf_wire_type::length_delimited, "model.opset_import");
          pbf_reader o = r.get_message();
          OpsetId id;
          while (o.next()) {
            if (o.tag() == 1) id.domain = get_string(o, "opset.domain");
            else if (o.tag() == 2) id.version = get_int64(o, "opset.version");
            else o.skip();
          }
          model.opsets.push_back(id);
          break;
        }
        default: r.skip();
      }
    }
  } catch (const protozero::exception& e) {
    throw ModelError(std::string("not an ONNX model, or the file is truncated (protobuf: ") + e.what() + ")");
  }
  if (!has_graph || model.graph.nodes.empty()) throw ModelError("not an ONNX model: no graph with nodes found");
  if (model.ir_version <= 0) throw ModelError("not an ONNX model: no IR version");
  return model;
}

void load_external_data(Model& model, const std::string& base_dir) {
  for (Tensor& t : model.graph.initializers) {
    if (!t.external) continue;
    if (t.external_data.location.empty() || t.external_data.location.find("..") != std::string::npos ||
        t.external_data.location.front() == '/')
      throw ModelError("initializer '" + t.name + "' has an invalid external-data location '" +
                       t.external_data.location + "'");
    const std::string path = base_dir.empty() ? t.external_data.location : base_dir + "/" + t.external_data.location;
    t.raw = own(model, read_file(path, t.external_data.offset, t.external_data.length,
                                 "external-data file for initializer '" + t.name + "'"));
    t.external = false;
  }
}

Model load_model_file(const std::string& path) {
  auto bytes = std::make_shared<std::vector<uint8_t>>(read_file(path, 0, -1, "model file"));
  Model model = parse_model(bytes);
  const size_t slash = path.find_last_of('/');
  load_external_data(model, slash == std::string::npos ? "" : path.substr(0, slash));
  return model;
}

}  // namespace dv::onnx
