// ONNX reader: fields round-trip from models built in memory, external data, bad files, and the
// real graphs in ../shared/models.
#include <doctest/doctest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>

#include "engine/onnx/onnx_model.h"
#include "support/onnx_builder.h"

namespace ob = dv::testing::onnx_build;
namespace fs = std::filesystem;
using dv::onnx::DataType;
using dv::onnx::ModelError;

namespace {

dv::onnx::Model parse(std::vector<uint8_t> bytes) {
  return dv::onnx::parse_model(std::make_shared<const std::vector<uint8_t>>(std::move(bytes)));
}

std::vector<float> floats_of(const dv::onnx::Tensor& t) {
  std::vector<float> v(t.raw.size() / sizeof(float));
  std::memcpy(v.data(), t.raw.data(), v.size() * sizeof(float));
  return v;
}

std::string error_of(auto&& fn) {
  try {
    fn();
  } catch (const ModelError& e) {
    return e.what();
  }
  return "<no error>";
}

// A scratch folder removed at the end of a test.
struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("dv-test-" + std::to_string(reinterpret_cast<uintptr_t>(this)));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  void write(const std::string& name, const void* data, size_t size) const {
    std::ofstream(path / name, std::ios::binary)
        .write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
};

std::vector<uint8_t> conv_model() {
  return ob::model({ob::node("Conv", {"x", "w", "b"}, {"y"}, "conv1",
                             {ob::attr_ints("pads", {1, 1, 1, 1}), ob::attr_int("group", 1),
                              ob::attr_float("alpha", 0.5f), ob::attr_string("auto_pad", "NOTSET")})},
                   {ob::float_tensor("w", {2, 1, 1, 1}, {0.5f, -2.0f}),
                    ob::float_tensor("b", {2}, {0.25f, 1.5f}, false), ob::int64_tensor("shape", {2}, {-1, 7})},
                   {ob::value_info("x", {1, 1, -1, -1})}, {ob::value_info("y", {1, 2, -1, -1})});
}

}  // namespace

TEST_CASE("reader: nodes, attributes, initializers and value infos round-trip") {
  const auto m = parse(conv_model());
  CHECK(m.ir_version == 8);
  CHECK(m.default_opset() == 18);
  REQUIRE(m.graph.nodes.size() == 1);
  const auto& n = m.graph.nodes[0];
  CHECK(n.op_type == "Conv");
  CHECK(n.label() == "Conv node 'conv1'");
  CHECK(n.inputs == std::vector<std::string>{"x", "w", "b"});
  REQUIRE(n.attribute("pads") != nullptr);
  CHECK(n.attribute("pads")->ints == std::vector<int64_t>{1, 1, 1, 1});
  CHECK(n.attribute("group")->i == 1);
  CHECK(n.attribute("alpha")->f == doctest::Approx(0.5f));
  CHECK(n.attribute("auto_pad")->s == "NOTSET");
  CHECK(n.attribute("missing") == nullptr);

  REQUIRE(m.graph.initializers.size() == 3);
  CHECK(m.graph.initializers[0].dims == std::vector<int64_t>{2, 1, 1, 1});
  CHECK(floats_of(m.graph.initializers[0]) == std::vector<float>{0.5f, -2.0f});   // raw_data
  CHECK(floats_of(m.graph.initializers[1]) == std::vector<float>{0.25f, 1.5f});   // float_data
  const auto& shape = m.graph.initializers[2];                                    // int64_data
  CHECK(shape.type == DataType::Int64);
  REQUIRE(shape.raw.size() == 16);
  int64_t first = 0;
  std::memcpy(&first, shape.raw.data(), 8);
  CHECK(first == -1);

  REQUIRE(m.graph.inputs.size() == 1);
  const auto& x = m.graph.inputs[0];
  CHECK(x.name == "x");
  CHECK(x.type == DataType::Float);
  REQUIRE(x.shape.size() == 4);
  CHECK(x.shape[1].value == 1);
  CHECK(x.shape[2].value == -1);
  CHECK(x.shape[2].param == "dyn2");
}

TEST_CASE("reader: external data is read from the model's folder") {
  TempDir dir;
  const float weights[4] = {1.0f, 2.0f, 3.0f, 4.0f};
  dir.write("weights.bin", weights, sizeof weights);
  const auto bytes =
      ob::model({ob::node("Add", {"x", "w"}, {"y"})}, {ob::external_tensor("w", {2}, "weights.bin", 8, 8)},
                {ob::value_info("x", {2})}, {ob::value_info("y", {2})});
  dir.write("model.onnx", bytes.data(), bytes.size());
  const auto m = dv::onnx::load_model_file((dir.path / "model.onnx").string());
  REQUIRE(m.graph.initializers.size() == 1);
  CHECK_FALSE(m.graph.initializers[0].external);
  CHECK(floats_of(m.graph.initializers[0]) == std::vector<float>{3.0f, 4.0f});

  SUBCASE("a missing external-data file is named with its initializer") {
    fs::remove(dir.path / "weights.bin");
    const std::string e = error_of([&] { dv::onnx::load_model_file((dir.path / "model.onnx").string()); });
    CHECK(e.find("weights.bin") != std::string::npos);
    CHECK(e.find("initializer 'w'") != std::string::npos);
  }
  SUBCASE("a short external-data file is reported") {
    dir.write("weights.bin", weights, 12);
    const std::string e = error_of([&] { dv::onnx::load_model_file((dir.path / "model.onnx").string()); });
    CHECK(e.find("too short") != std::string::npos);
  }
  SUBCASE("a location outside the model's folder is refused") {
    const auto evil = ob::model({ob::node("Add", {"x", "w"}, {"y"})}, {ob::external_tensor("w", {2}, "../etc/x", 0, 8)},
                                {ob::value_info("x", {2})}, {ob::value_info("y", {2})});
    dir.write("evil.onnx", evil.data(), evil.size());
    const std::string e = error_of([&] { dv::onnx::load_model_file((dir.path / "evil.onnx").string()); });
    CHECK(e.find("invalid external-data location") != std::string::npos);
  }
}

TEST_CASE("reader: bad files give one clear error") {
  CHECK(error_of([] { parse({}); }).find("empty") != std::string::npos);
  const std::string text = "this is a text file, not a model";
  CHECK(error_of([&] { parse({text.begin(), text.end()}); }).find("not an ONNX model") != std::string::npos);
  auto bytes = conv_model();
  bytes.resize(bytes.size() / 2);
  CHECK(error_of([&] { parse(bytes); }).find("truncated") != std::string::npos);
  // model.ir_version (field 1) sent as a string: wrong wire type
  const std::vector<uint8_t> wrong_type = {0x0a, 0x01, 0x41};
  CHECK(error_of([&] { parse(wrong_type); }).find("wrong wire type") != std::string::npos);
  CHECK(error_of([] { dv::onnx::load_model_file("/nonexistent/model.onnx"); }).find("cannot open model file") !=
        std::string::npos);
  // every prefix of a valid model either parses or throws ModelError, never anything else
  const auto full = conv_model();
  for (size_t n = 0; n < full.size(); ++n) {
    try {
      parse({full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n)});
    } catch (const ModelError&) {
    }
  }
}

TEST_CASE("reader: the depth models in ../shared/models") {
  const fs::path models = fs::path(DV_SHARED_DIR) / "models";
  if (!fs::exists(models / "fastdepth.onnx")) {
    MESSAGE("SKIPPED: ../shared/models not found (" << models.string() << ")");
    return;
  }
  auto count_ops = [](const dv::onnx::Model& m) {
    std::map<std::string, int> ops;
    for (const auto& n : m.graph.nodes) ops[n.op_type]++;
    return ops;
  };
  const auto fast = dv::onnx::load_model_file((models / "fastdepth.onnx").string());
  const auto fast_ops = count_ops(fast);
  CHECK(fast_ops.at("Conv") == 38);
  CHECK(fast_ops.at("Clip") == 27);
  CHECK(fast_ops.at("Resize") == 5);
  REQUIRE(fast.graph.inputs.size() >= 1);
  CHECK(fast.graph.inputs[0].name == "input");
  CHECK(fast.graph.outputs[0].name == "depth");

  // Graph-only file: parse it (external weights are absent on purpose).
  auto bytes = std::make_shared<std::vector<uint8_t>>();
  {
    std::ifstream in(models / "depth_anything_v2_small.graph.onnx", std::ios::binary);
    bytes->assign(std::istreambuf_iterator<char>(in), {});
  }
  const auto dav2 = dv::onnx::parse_model(bytes);
  CHECK(dav2.default_opset() == 18);
  size_t external = 0;
  for (const auto& t : dav2.graph.initializers) external += t.external ? 1 : 0;
  CHECK(external == 258);
  const auto ops = count_ops(dav2);
  CHECK(ops.at("MatMul") == 96);
  CHECK(ops.at("LayerNormalization") == 28);
  CHECK(ops.at("Erf") == 12);
  const std::string e =
      error_of([&] { dv::onnx::load_model_file((models / "depth_anything_v2_small.graph.onnx").string()); });
  CHECK(e.find("external-data file for initializer") != std::string::npos);
}
