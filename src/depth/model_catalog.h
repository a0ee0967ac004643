// The depth models depthview knows (models/models.json): their variants (fp32, fp16, 8- and 4-bit
// files of the same model), where they are on this machine, which is the default, and how each
// wants its input; and model files the manifest does not list (see model_file.h).
#pragma once

#include <string>
#include <vector>

#include "depth/model_file.h"
#include "depth/postprocess.h"
#include "depth/preprocess.h"

namespace dv::depth {

// One published file of a model (models.json "variants").
struct ModelVariant {
  std::string name;                // "fp32", "fp16", "quantized", "q4", ...
  std::vector<std::string> files;  // its file name first; for fp32 also the manifest's "local_names"
  uint64_t size = 0;               // bytes as published (0 = not known)
  bool downloadable = false;       // has a URL (or the manifest a download_base): it can be fetched
  std::string path;                // where it was found ("" = not installed)
  std::string url;                 // the manifest's "url" ("" = none)
  std::string sha256;              // pinned lowercase hex digest ("" = not pinned; then size is rounded)
};

struct ModelInfo {
  std::string id, name, license;
  std::vector<ModelVariant> variants;  // in the manifest's order
  std::string default_variant;         // the manifest's "default_variant" for this platform, else fp32
  std::string variant;                 // the one `path` is (resolve: the chosen one)
  std::string path;                    // where it was found ("" = not installed)
  bool keep_aspect = false;            // else a fixed input size
  int short_side = 0, multiple = 1, fixed_height = 0, fixed_width = 0;
  // The manifest's "low_memory": the variants that need the least memory, smallest last, and the
  // input short sides to step down to (keep-aspect models), largest first (app/model_setup.h).
  std::vector<std::string> low_memory_variants;
  std::vector<int> low_memory_short_sides;
  Normalization normalization;
  OutputKind output = OutputKind::RelativeInverseDepth;
  // A file the manifest does not list: settle_file_model() fills in the settings above once the
  // graph is loaded, from the graph, `preprocessor` and `overrides`, and says how in `assumptions`.
  bool in_manifest = true;
  std::optional<PreprocessorConfig> preprocessor;
  ModelOverrides overrides;
  std::string assumptions;  // one line; "" for manifest models

  const ModelVariant* find_variant(const std::string& name) const;
  std::string variant_names() const;  // "fp32, fp16, q4"
  // The name, with the variant when the model has several: "Depth Anything V2 Small (fp16)".
  std::string label() const;
  // The user's settings over the manifest's (or the file's).
  void apply(const ModelOverrides& o);
  // Model input size for a photo: fixed, or the photo's aspect with the short side `short_side`
  // (or `requested` when > 0) and both sides rounded to multiples of `multiple`.
  void input_size(int photo_width, int photo_height, int requested, int* width, int* height) const;
};

class ModelCatalog {
 public:
  // "native" or "web": which of the manifest's "default_variant" entries this build follows.
  static const char* platform();
  // Reads the manifest and looks for each variant's files in `search_dirs`, in order. Throws
  // std::runtime_error naming the file when the manifest cannot be read.
  ModelCatalog(const std::string& manifest_path, const std::vector<std::string>& search_dirs,
               const std::string& platform = ModelCatalog::platform());

  // Each model with `path` / `variant` set to what resolve(id) picks.
  const std::vector<ModelInfo>& models() const { return models_; }
  const ModelInfo* find(const std::string& id) const;
  // Model ids in the order the default model is chosen (the manifest's "preference").
  const std::vector<std::string>& preference() const { return preference_; }
  // The manifest's "download_base" ("" = none): a mirror that serves every file by its name.
  const std::string& download_base() const { return download_base_; }
  // A model id, or a path to an .onnx file: one the manifest lists (by file name) gets its
  // settings, another one is run by what the file says (see model_file.h). "" = default: the
  // first installed model in the manifest's preference order. `variant` ("" = the default
  // variant, else any installed one) picks a file of a model id. Throws with what to do.
  ModelInfo resolve(const std::string& id_or_path, const std::string& variant = "",
                    const ModelOverrides& overrides = {}) const;

 private:
  ModelInfo pick(const ModelInfo& model, const std::string& variant) const;
  std::vector<ModelInfo> models_;
  std::vector<std::string> preference_;
  std::string download_base_;
};

}  // namespace dv::depth
