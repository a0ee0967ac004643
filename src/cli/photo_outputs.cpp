#include "cli/photo_outputs.h"

#include <optional>
#include <stdexcept>

namespace dv::cli {

std::vector<std::string> photo_output_formats() {
  std::vector<std::string> formats = depth::output_formats();
  const auto& scene = scene::scene_output_formats();
  formats.insert(formats.end(), scene.begin(), scene.end());
  return formats;
}

void write_photo_outputs(const std::vector<std::string>& formats, const std::string& stem, const depth::Image& photo,
                         const depth::DepthMap& depth, const depth::OutputOptions& output,
                         const scene::SceneOutputOptions& scene_output, int threads) {
  std::optional<scene::LayeredDepth> layers;  // built at the first 3D photo output
  for (const std::string& f : formats) {
    if (!scene::is_scene_output(f)) {
      depth::write_output(f, stem, photo, depth, output);
      continue;
    }
    if (!layers) {
      scene::LayeredOptions options;
      options.inpaint.threads = threads;
      layers = scene::build_layered_depth(photo, depth, options);
      if (!layers) throw std::runtime_error("the layered depth image was cancelled");
    }
    scene::write_scene_output(f, stem, *layers, scene_output);
  }
}

}  // namespace dv::cli
