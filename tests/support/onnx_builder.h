// Builds small ONNX models in memory (protozero's writer) for the engine's tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dv::testing::onnx_build {

// Each returns one encoded protobuf message.
std::string attr_int(const std::string& name, int64_t v);
std::string attr_float(const std::string& name, float v);
std::string attr_ints(const std::string& name, const std::vector<int64_t>& v);
std::string attr_string(const std::string& name, const std::string& v);

std::string node(const std::string& op, const std::vector<std::string>& inputs, const std::vector<std::string>& outputs,
                 const std::string& name = "", const std::vector<std::string>& attrs = {});

std::string float_tensor(const std::string& name, const std::vector<int64_t>& dims, const std::vector<float>& values,
                         bool as_raw = true);
std::string int64_tensor(const std::string& name, const std::vector<int64_t>& dims, const std::vector<int64_t>& values);
std::string external_tensor(const std::string& name, const std::vector<int64_t>& dims, const std::string& location,
                            uint64_t offset, uint64_t length);

// dims: -1 for a symbolic dimension named "dyn<i>".
std::string value_info(const std::string& name, const std::vector<int64_t>& dims, int32_t elem_type = 1);

std::vector<uint8_t> model(const std::vector<std::string>& nodes, const std::vector<std::string>& initializers,
                           const std::vector<std::string>& inputs, const std::vector<std::string>& outputs,
                           int64_t opset = 18);

}  // namespace dv::testing::onnx_build
