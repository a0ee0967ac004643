// The photo's outputs of `depthview --format`: depth/outputs.h's by name, and the 3D photo's
// (scene/outputs_3d.h) from one layered depth image built for all of them.
#pragma once

#include <string>
#include <vector>

#include "depth/outputs.h"
#include "scene/outputs_3d.h"

namespace dv::cli {

// Every --format name: depth::output_formats() then scene::scene_output_formats().
std::vector<std::string> photo_output_formats();

// Writes each of `formats` next to `stem`; the layered depth image only when a 3D photo output is
// asked for (inpainting on `threads` threads). Throws with the reason.
void write_photo_outputs(const std::vector<std::string>& formats, const std::string& stem, const depth::Image& photo,
                         const depth::DepthMap& depth, const depth::OutputOptions& output,
                         const scene::SceneOutputOptions& scene_output, int threads);

}  // namespace dv::cli
