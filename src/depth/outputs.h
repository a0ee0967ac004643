// Every output format by name, as the CLI's --format and the viewer's export offer them.
#pragma once

#include <string>
#include <vector>

#include "depth/image.h"
#include "depth/mesh.h"
#include "depth/pointcloud.h"
#include "depth/postprocess.h"

namespace dv::depth {

struct OutputOptions {
  std::string colormap = "inferno";  // of the "color" output
  MeshOptions mesh;
  PointCloudOptions points;
};

// png, png16, color, pfm, exr, ply, obj, glb, points.
const std::vector<std::string>& output_formats();

// Writes `format` for a photo and its normalised depth (same size) next to `stem` (a path without
// extension, e.g. out/photo_depth); returns the files written. Throws naming the file on failure.
std::vector<std::string> write_output(const std::string& format, const std::string& stem, const Image& photo,
                                      const DepthMap& depth, const OutputOptions& options);

}  // namespace dv::depth
