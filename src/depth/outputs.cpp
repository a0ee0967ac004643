#include "depth/outputs.h"

#include <stdexcept>

#include "depth/colormap.h"
#include "depth/export.h"
#include "depth/export_depth_pair.h"

namespace dv::depth {

const std::vector<std::string>& output_formats() {
  static const std::vector<std::string> formats = [] {
    std::vector<std::string> f = {"png", "png16", "color", "pfm", "exr", "ply", "obj", "glb", "points", "depth-pair"};
    if (DV_HAVE_CONTAINER) f.push_back("dd-jpeg");
    return f;
  }();
  return formats;
}

namespace {

// The pair's base name: the photo's name (the stem less its "_depth") with "_3d", so the pair's
// NAME.jpg never replaces the photo itself.
std::string pair_base(const std::string& stem) {
  constexpr std::string_view kSuffix = "_depth";
  const bool suffixed = stem.size() > kSuffix.size() && stem.compare(stem.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0;
  return (suffixed ? stem.substr(0, stem.size() - kSuffix.size()) : stem) + "_3d";
}

std::vector<std::string> write_dynamic_depth(const std::string& stem, const Image& photo, const DepthMap& depth,
                                             const DynamicDepthOptions& options) {
#if DV_HAVE_CONTAINER
  write_bytes(stem + "_dd.jpg", encode_dynamic_depth_jpeg(photo, depth, options));
  return {stem + "_dd.jpg"};
#else
  (void)photo, (void)depth, (void)options;
  throw std::invalid_argument("'dd-jpeg' (" + stem + "): Dynamic Depth JPEGs are not in this build");
#endif
}

}  // namespace

std::vector<std::string> write_output(const std::string& f, const std::string& stem, const Image& photo,
                                      const DepthMap& depth, const OutputOptions& o) {
  if (f == "png") return write_png8(stem + ".png", depth), std::vector<std::string>{stem + ".png"};
  if (f == "png16") return write_png16(stem + "_16bit.png", depth), std::vector<std::string>{stem + "_16bit.png"};
  if (f == "color") {
    const std::string path = stem + "_" + o.colormap + ".png";
    write_png_rgb(path, depth.width, depth.height, apply_colormap(depth, colormap_from_name(o.colormap)));
    return {path};
  }
  if (f == "pfm") return write_pfm(stem + ".pfm", depth), std::vector<std::string>{stem + ".pfm"};
  if (f == "exr") return write_exr(stem + ".exr", depth), std::vector<std::string>{stem + ".exr"};
  if (f == "points") {
    write_point_ply(stem + "_points.ply", build_point_cloud(depth, photo, o.points));
    return {stem + "_points.ply"};
  }
  if (f == "depth-pair") return write_depth_pair(pair_base(stem), photo, depth);
  if (f == "dd-jpeg") return write_dynamic_depth(stem, photo, depth, o.dynamic_depth);
  if (f != "glb" && f != "ply" && f != "obj") throw std::invalid_argument("unknown output format '" + f + "'");
  const Mesh mesh = build_relief_mesh(depth, o.mesh);
  if (f == "glb") return write_glb(stem + ".glb", mesh, encode_jpeg(photo)), std::vector<std::string>{stem + ".glb"};
  const std::string texture = stem + "_texture.jpg";  // OBJ and PLY meshes reference the photo
  write_jpeg(texture, photo);
  if (f == "ply") return write_ply(stem + ".ply", mesh), std::vector<std::string>{stem + ".ply", texture};
  write_obj(stem + ".obj", mesh, texture);
  return {stem + ".obj", stem + ".mtl", texture};
}

}  // namespace dv::depth
