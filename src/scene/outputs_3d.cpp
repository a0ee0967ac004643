#include "scene/outputs_3d.h"

#include <algorithm>
#include <stdexcept>

#include "depth/export.h"
#include "scene/stereo_image.h"

namespace dv::scene {

namespace {

struct StereoFormat {
  const char* name;
  StereoLayout layout;
  const char* suffix;
};

constexpr StereoFormat kStereoFormats[] = {
    {"sbs", StereoLayout::SideBySide, "_sbs.jpg"},
    {"sbs-half", StereoLayout::SideBySideHalf, "_sbs_half.jpg"},
    {"over-under", StereoLayout::OverUnder, "_over_under.jpg"},
    {"cross-eyed", StereoLayout::CrossEyed, "_cross_eyed.jpg"},
    {"anaglyph", StereoLayout::Anaglyph, "_anaglyph.jpg"},
};

const StereoFormat* stereo_format(const std::string& name) {
  for (const StereoFormat& f : kStereoFormats)
    if (name == f.name) return &f;
  return nullptr;
}

}  // namespace

const std::vector<std::string>& scene_output_formats() {
  static const std::vector<std::string> formats = [] {
    std::vector<std::string> f = {"glb-layered"};
    for (const StereoFormat& s : kStereoFormats) f.push_back(s.name);
    return f;
  }();
  return formats;
}

bool is_scene_output(const std::string& format) {
  const auto& formats = scene_output_formats();
  return std::find(formats.begin(), formats.end(), format) != formats.end();
}

void check_scene_output_size(const std::string& format, const std::string& stem, int width, int height) {
  if (const StereoFormat* stereo = stereo_format(format)) try {
      check_stereo_size(stereo->layout, width, height);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(stem + stereo->suffix + ": " + e.what());
    }
}

std::vector<std::string> write_scene_output(const std::string& format, const std::string& stem, const LayeredDepth& layers,
                                            const SceneOutputOptions& o) {
  if (format == "glb-layered") {
    write_layered_glb(stem + "_layered.glb", layers, o.glb);
    return {stem + "_layered.glb"};
  }
  const StereoFormat* stereo = stereo_format(format);
  if (!stereo) throw std::invalid_argument("unknown 3D photo output format '" + format + "'");
  const depth::Image& photo = layers.foreground.color;
  const std::string path = stem + stereo->suffix;
  check_scene_output_size(format, stem, photo.width, photo.height);  // before the views are rendered
  depth::write_jpeg(path, compose_stereo(render_stereo_pair(layers, o.stereo), stereo->layout), o.jpeg_quality);
  return {path};
}

}  // namespace dv::scene
