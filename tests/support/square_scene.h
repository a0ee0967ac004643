// A synthetic 3D photo shared by the scene tests: a red square at depth 0.9 before a far plane
// (depth 0.1) in a soft green-blue gradient.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "depth/image.h"
#include "depth/postprocess.h"
#include "scene/layered_depth.h"

namespace dv::test {

constexpr int kSide = 96, kSquareLo = 32, kSquareHi = 64;  // the square: [32, 64)^2

inline bool in_square(int x, int y) { return x >= kSquareLo && x < kSquareHi && y >= kSquareLo && y < kSquareHi; }

inline void square_scene(depth::Image* photo, depth::DepthMap* depth) {
  *photo = depth::Image{kSide, kSide, std::vector<uint8_t>(size_t(kSide) * kSide * 3)};
  *depth = depth::DepthMap{kSide, kSide, std::vector<float>(size_t(kSide) * kSide)};
  for (int y = 0; y < kSide; ++y)
    for (int x = 0; x < kSide; ++x) {
      const size_t i = size_t(y) * kSide + size_t(x);
      const bool sq = in_square(x, y);
      photo->rgb[i * 3 + 0] = sq ? 220 : 20;
      photo->rgb[i * 3 + 1] = sq ? 30 : uint8_t(100 + x / 2);
      photo->rgb[i * 3 + 2] = sq ? 30 : uint8_t(150 + y / 4);
      depth->values[i] = sq ? 0.9f : 0.1f;
    }
}

// The scene's 3D photo with the default options (two layers: the square's edges).
inline scene::LayeredDepth square_layers() {
  depth::Image photo;
  depth::DepthMap depth;
  square_scene(&photo, &depth);
  auto layers = scene::build_layered_depth(photo, depth);
  if (!layers) throw std::runtime_error("square_layers: the layered depth image was cancelled");
  return *layers;
}

}  // namespace dv::test
