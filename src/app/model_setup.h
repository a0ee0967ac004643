// What a device with little memory runs: which variant of a model and which input size. A browser
// tab on a phone gets a fraction of the phone's 2-8 GB, and Depth Anything's attention grows with
// the square of the patch count. The manifest's "low_memory" lists the lean variants and the input
// sizes to step down to; after a failed allocation the viewer takes smaller_setup(). Pure logic.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "depth/model_catalog.h"

namespace dv::app {

struct ModelSetup {
  std::string variant;  // "" = the model's default
  int input_size = 0;   // input short side (keep-aspect models); 0 = the model's own
  bool operator==(const ModelSetup&) const = default;
};

// memory_gb: the device's memory (navigator.deviceMemory; 0 = unknown, treated as a desktop).
//   >= 8 GB: the defaults; 4-8: the leanest variant; 2-4: also the first smaller size; < 2: the second.
ModelSetup setup_for_memory(const depth::ModelInfo& model, double memory_gb);
// After an allocation failed with `current`: the next leaner variant (that `available` says can be
// had) at the same size, else the next smaller input size; nullopt when nothing smaller is left.
std::optional<ModelSetup> smaller_setup(
    const depth::ModelInfo& model, const ModelSetup& current,
    const std::function<bool(const std::string&)>& available = [](const std::string&) { return true; });
// "quantized at 392 px", "the default variant at 518 px"
std::string describe(const depth::ModelInfo& model, const ModelSetup& setup);

}  // namespace dv::app
