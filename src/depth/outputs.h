// Every output format by name, as the CLI's --format and the viewer's export offer them.
#pragma once

#include <string>
#include <vector>

#include "depth/export_dynamic_depth.h"
#include "depth/image.h"
#include "depth/mesh.h"
#include "depth/pointcloud.h"
#include "depth/postprocess.h"

namespace dv::depth {

struct OutputOptions {
  std::string colormap = "inferno";  // of the "color" output
  MeshOptions mesh;
  PointCloudOptions points;
  DynamicDepthOptions dynamic_depth;  // of the "dd-jpeg" output
};

// png, png16, color, pfm, exr, ply, obj, glb, points, depth-pair, and dd-jpeg where the build has
// the containers (DV_HAVE_CONTAINER). The 3D photo's outputs are scene/outputs_3d.h's.
const std::vector<std::string>& output_formats();

// Writes `format` for a photo and its normalised depth (same size) next to `stem` (a path without
// extension, e.g. out/photo_depth); returns the files written. Throws naming the file on failure.
// depth-pair writes <stem less "_depth">_3d.jpg and _3d_depth.png (never the input photo's name).
std::vector<std::string> write_output(const std::string& format, const std::string& stem, const Image& photo,
                                      const DepthMap& depth, const OutputOptions& options);

}  // namespace dv::depth
