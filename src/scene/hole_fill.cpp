#include "scene/hole_fill.h"

#include <algorithm>
#include <cmath>

namespace dv::scene {

void fill_holes_from_behind(depth::Image& image, const std::vector<float>& nearness) {
  const int w = image.width, h = image.height;
  for (int y = 0; y < h; ++y) {
    const size_t row = size_t(y) * size_t(w);
    for (int x = 0; x < w; ++x) {
      if (std::isfinite(nearness[row + size_t(x)])) continue;
      int l = x - 1, r = x + 1;
      while (l >= 0 && !std::isfinite(nearness[row + size_t(l)])) --l;
      while (r < w && !std::isfinite(nearness[row + size_t(r)])) ++r;
      if (l < 0 && r >= w) continue;
      const bool use_left = r >= w || (l >= 0 && nearness[row + size_t(l)] <= nearness[row + size_t(r)]);
      std::copy_n(&image.rgb[(row + size_t(use_left ? l : r)) * 3], 3, &image.rgb[(row + size_t(x)) * 3]);
    }
  }
}

}  // namespace dv::scene
