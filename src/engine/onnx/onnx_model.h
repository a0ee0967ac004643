// The parts of an ONNX model (onnx.proto) the engine uses, read with protozero.
// Tensor payloads are not copied: they point into the model bytes (or, after
// load_external_data, into buffers the Model owns).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace dv::onnx {

// Every problem with a model file surfaces as one of these, with a message a user can act on.
struct ModelError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// A well-formed model that uses an operator, attribute or element type the engine does not run.
struct UnsupportedError : ModelError {
  using ModelError::ModelError;
};

enum class DataType : int32_t {
  Undefined = 0,
  Float = 1,
  Uint8 = 2,
  Int8 = 3,
  Uint16 = 4,
  Int16 = 5,
  Int32 = 6,
  Int64 = 7,
  String = 8,
  Bool = 9,
  Float16 = 10,
  Double = 11,
  Uint32 = 12,
  Uint64 = 13,
  Bfloat16 = 16,
};
const char* to_string(DataType t);
size_t element_size(DataType t);  // 0 for types without a fixed size

struct ExternalData {
  std::string location;  // relative to the model's folder
  uint64_t offset = 0;
  int64_t length = -1;   // -1: to the end of the file
};

struct Tensor {
  std::string name;
  DataType type = DataType::Undefined;
  std::vector<int64_t> dims;
  std::span<const uint8_t> raw;  // little-endian elements (raw_data or converted typed fields)
  bool external = false;
  ExternalData external_data;
  size_t element_count() const;  // product of dims (1 for a scalar)
};

struct Attribute {
  enum class Kind : int32_t {
    Undefined = 0,
    Float = 1,
    Int = 2,
    String = 3,
    Tensor = 4,
    Graph = 5,
    Floats = 6,
    Ints = 7,
    Strings = 8
  };
  std::string name;
  Kind kind = Kind::Undefined;
  float f = 0.0f;
  int64_t i = 0;
  std::string s;
  std::vector<float> floats;
  std::vector<int64_t> ints;
  std::shared_ptr<Tensor> t;
};

struct Node {
  std::string name, op_type, domain;
  std::vector<std::string> inputs, outputs;  // an empty name is an omitted optional input
  std::vector<Attribute> attributes;
  const Attribute* attribute(const std::string& attr_name) const;
  std::string label() const;  // "Conv node 'conv1'" for messages
};

struct Dim {
  int64_t value = -1;  // -1 when symbolic or unknown
  std::string param;   // symbolic name, e.g. "height"
};

struct ValueInfo {
  std::string name;
  DataType type = DataType::Undefined;
  std::vector<Dim> shape;
};

struct Graph {
  std::vector<Node> nodes;
  std::vector<Tensor> initializers;
  std::vector<ValueInfo> inputs, outputs;
};

struct OpsetId {
  std::string domain;  // "" or "ai.onnx" for the default operator set
  int64_t version = 0;
};

struct Model {
  int64_t ir_version = 0;
  std::vector<OpsetId> opsets;
  Graph graph;
  // Owned storage the tensor spans point into (model bytes, external data, converted fields).
  std::vector<std::shared_ptr<const std::vector<uint8_t>>> storage;
  int64_t default_opset() const;  // version of the default domain, 0 if absent
};

// Parses model bytes (keeps a reference to them in Model::storage). Throws ModelError.
Model parse_model(std::shared_ptr<const std::vector<uint8_t>> bytes);

// Reads a model file, then its external-data files from the same folder. Throws ModelError.
Model load_model_file(const std::string& path);

// Resolves every external initializer against `base_dir`. Throws ModelError naming the file
// and the initializer when a file is missing or too short.
void load_external_data(Model& model, const std::string& base_dir);

}  // namespace dv::onnx
