// A model file that models/models.json does not list: how to run it is read from the file itself
// (its input shape, the patch size in its graph), from a Hugging Face preprocessor_config.json
// beside it, and from the user's settings (--size, --mean, --std, --output), and the assumptions
// made are said in one line.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "depth/postprocess.h"
#include "depth/preprocess.h"

struct dv_model;

namespace dv::depth {

struct ModelInfo;

// What a Hugging Face image processor's preprocessor_config.json says about the model's input.
struct PreprocessorConfig {
  std::string path;
  std::optional<Normalization> normalization;  // image_mean / image_std, do_rescale / rescale_factor applied
  bool keep_aspect = true;      // size.shortest_edge, or keep_aspect_ratio with size.height / width
  int short_side = 0;           // 0: no size given
  int height = 0, width = 0;    // a fixed size (keep_aspect false)
  int multiple = 1;             // ensure_multiple_of / size_divisor
};

// Reads one; throws std::runtime_error naming the file when it cannot be read or is malformed.
PreprocessorConfig read_preprocessor_config(const std::string& path);
// The preprocessor_config.json beside a model file, or one folder up (Hugging Face repositories
// keep the ONNX files in onnx/ and the config at the top); nullopt when there is none.
std::optional<PreprocessorConfig> find_preprocessor_config(const std::string& model_path);

// Settings the user gave; each wins over the manifest, preprocessor_config.json and the file.
struct ModelOverrides {
  int short_side = 0;  // > 0: short side of the input of a keep-aspect model
  std::optional<std::array<float, 3>> mean, std;
  std::optional<OutputKind> output;
};

// "depth" (larger = farther) or "inverse-depth" (larger = nearer); throws std::invalid_argument.
OutputKind parse_output_kind(const std::string& name);

// What the loaded graph says about its input: NCHW dims (-1 = chosen at run time) and the
// multiple its height and width must have (dv_model_input_multiple).
struct GraphInput {
  int64_t channels = -1, height = -1, width = -1;
  int64_t multiple = 1;
};
// Throws std::runtime_error unless the model has one 1x3xHxW input.
GraphInput graph_input(const dv_model* model, const std::string& file_name);

// Fills in a not-listed model's input policy, normalisation and output kind from `input`, its
// preprocessor_config.json and its overrides, and sets info.assumptions.
void settle_file_model(ModelInfo& info, const GraphInput& input);

}  // namespace dv::depth
