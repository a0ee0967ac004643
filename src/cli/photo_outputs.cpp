#include "cli/photo_outputs.h"

#include <optional>
#include <stdexcept>

#include "cli/progress.h"
#include "scene/parallax_export.h"

namespace dv::cli {

std::vector<std::string> photo_output_formats() {
  std::vector<std::string> formats = depth::output_formats();
  const auto& scene = scene::scene_output_formats();
  formats.insert(formats.end(), scene.begin(), scene.end());
  const auto& parallax = scene::parallax_output_formats();
  formats.insert(formats.end(), parallax.begin(), parallax.end());
  return formats;
}

namespace {

void write_parallax(const std::string& format, const std::string& stem, const scene::LayeredDepth& layers,
                    scene::ParallaxOptions options, int threads) {
  options.threads = threads;
  ProgressBar bar(1, true);
  const auto result = scene::write_parallax_output(format, stem, layers, options, [&](int done, int total) {
    bar.draw_fraction(double(done) / double(total), format + ": frame " + std::to_string(done) + "/" + std::to_string(total));
    return true;
  });
  bar.clear();
  std::printf("%s: %d frames in %.1f s\n", result.path.c_str(), result.frames, result.seconds);
}

}  // namespace

void write_photo_outputs(const std::vector<std::string>& formats, const std::string& stem, const depth::Image& photo,
                         const depth::DepthMap& depth, const depth::OutputOptions& output,
                         const scene::SceneOutputOptions& scene_output, int threads) {
  for (const std::string& f : formats) {  // sizes over 8K are refused before the slow steps
    if (scene::is_parallax_output(f)) scene::check_parallax_output(f, stem, scene_output.parallax, photo.width, photo.height);
    else scene::check_scene_output_size(f, stem, photo.width, photo.height);
  }
  std::optional<scene::LayeredDepth> layers;  // built at the first 3D photo output
  for (const std::string& f : formats) {
    const bool parallax = scene::is_parallax_output(f);
    if (!scene::is_scene_output(f) && !parallax) {
      depth::write_output(f, stem, photo, depth, output);
      continue;
    }
    if (!layers) {
      scene::LayeredOptions options;
      options.inpaint.threads = threads;
      layers = scene::build_layered_depth(photo, depth, options);
      if (!layers) throw std::runtime_error("the layered depth image was cancelled");
    }
    if (parallax) write_parallax(f, stem, *layers, scene_output.parallax, threads);
    else scene::write_scene_output(f, stem, *layers, scene_output);
  }
}

}  // namespace dv::cli
