// The 3D photo's outputs by name, beside depth/outputs.h's: they need the layered depth image
// (scene/layered_depth.h), which the caller builds once for all of them.
#pragma once

#include <string>
#include <vector>

#include "scene/layered_depth.h"
#include "scene/layered_glb.h"
#include "scene/parallax.h"
#include "scene/stereo_views.h"

namespace dv::scene {

struct SceneOutputOptions {
  LayeredGlbOptions glb;
  StereoOptions stereo;
  int jpeg_quality = 92;  // of the stereo images
  ParallaxOptions parallax;  // of the parallax animations (scene/parallax_export.h)
};

// glb-layered, sbs, sbs-half, over-under, cross-eyed, anaglyph.
const std::vector<std::string>& scene_output_formats();
bool is_scene_output(const std::string& format);

// Throws std::invalid_argument naming the file when the output of `format` for a width x height
// photo would be over 8K: callers check before the layered depth image is built (the slow step).
void check_scene_output_size(const std::string& format, const std::string& stem, int width, int height);

// Writes `format` next to `stem` (a path without extension, as depth::write_output): stem +
// "_layered.glb", "_sbs.jpg", "_sbs_half.jpg", "_over_under.jpg", "_cross_eyed.jpg" or
// "_anaglyph.jpg". Returns the files written. Throws std::invalid_argument for an unknown format
// or a stereo image over 8K (nothing is written then), std::runtime_error naming an unwritable file.
std::vector<std::string> write_scene_output(const std::string& format, const std::string& stem, const LayeredDepth& layers,
                                            const SceneOutputOptions& options = {});

}  // namespace dv::scene
