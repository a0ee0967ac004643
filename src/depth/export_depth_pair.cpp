#include "depth/export_depth_pair.h"

#include "depth/export.h"

namespace dv::depth {

std::vector<std::string> depth_pair_paths(const std::string& base) { return {base + ".jpg", base + "_depth.png"}; }

std::vector<std::string> write_depth_pair(const std::string& base, const Image& photo, const DepthMap& depth) {
  validate(photo);
  validate(depth, "depth pair");
  const std::vector<std::string> paths = depth_pair_paths(base);
  const bool same_size = depth.width == photo.width && depth.height == photo.height;
  write_jpeg(paths[0], photo, 95);  // the site re-encodes it: keep the detail
  write_png8(paths[1], same_size ? depth : resize(depth, photo.width, photo.height));
  return paths;
}

}  // namespace dv::depth
