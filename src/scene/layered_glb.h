// The layered depth image as a GLB other 3D apps open: two textured meshes, the foreground (the
// photo) and the background sheet (the inpainted background colour), on the relief's grid
// (scene/layered_mesh.h) with the relief's positions (depth/mesh.h).
#pragma once

#include <string>

#include "depth/mesh.h"
#include "scene/layered_depth.h"
#include "scene/layered_mesh.h"

namespace dv::scene {

struct LayeredGlbOptions {
  int max_side = 256;          // grid vertices along the longer side
  float depth_scale = 0.3f;    // relief height relative to the photo's width
  // The background sheet lies this far (photo widths) behind the foreground, so that where the two
  // are equal (outside the band) the foreground wins the depth test in any viewer.
  float background_offset = 0.002f;
  int jpeg_quality = 90;
};

struct LayeredMeshes {
  depth::Mesh foreground, background;  // background empty for a single-layer photo
};

// The two meshes of a layered depth image on its grid (layered_grid).
LayeredMeshes layered_meshes(const LayeredDepth& layers, const LayeredGlbOptions& options = {});

// Writes the GLB: meshes "foreground" and "background", each textured with its layer's colour
// (a single-layer photo: the foreground alone). Throws std::invalid_argument for an empty
// layered image, std::runtime_error naming the file that cannot be written.
void write_layered_glb(const std::string& path, const LayeredDepth& layers, const LayeredGlbOptions& options = {});

}  // namespace dv::scene
