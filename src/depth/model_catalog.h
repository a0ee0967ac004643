// The depth models depthview knows (models/models.json): where they are on this machine, which
// is the default, and how each wants its input.
#pragma once

#include <string>
#include <vector>

#include "depth/postprocess.h"
#include "depth/preprocess.h"

namespace dv::depth {

struct ModelInfo {
  std::string id, name, license;
  std::vector<std::string> files;  // file names it may have on disk (any variant)
  std::string path;                // where it was found ("" = not installed)
  bool keep_aspect = false;        // else a fixed input size
  int short_side = 0, multiple = 1, fixed_height = 0, fixed_width = 0;
  Normalization normalization;
  OutputKind output = OutputKind::RelativeInverseDepth;

  // Model input size for a photo: fixed, or the photo's aspect with the short side `short_side`
  // (or `requested` when > 0) and both sides rounded to multiples of `multiple`.
  void input_size(int photo_width, int photo_height, int requested, int* width, int* height) const;
};

class ModelCatalog {
 public:
  // Reads the manifest and looks for each model in `search_dirs`, in order. Throws
  // std::runtime_error naming the file when the manifest cannot be read.
  ModelCatalog(const std::string& manifest_path, const std::vector<std::string>& search_dirs);

  const std::vector<ModelInfo>& models() const { return models_; }
  // A model id or a path to an .onnx file (then its settings come from the manifest entry whose
  // file name matches, else FastDepth-like defaults are refused with a message). "" = default:
  // the first installed model in the manifest's preference order. Throws with what to do.
  ModelInfo resolve(const std::string& id_or_path) const;

 private:
  std::vector<ModelInfo> models_;
  std::vector<std::string> preference_;
};

}  // namespace dv::depth
