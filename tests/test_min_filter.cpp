// The square min filter (scene/min_filter.h) against the definition, borders and radii included.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "scene/min_filter.h"

TEST_CASE("min filter: equals the minimum over each clipped window") {
  const int w = 37, h = 23;
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  std::vector<float> v(size_t(w) * h);
  for (float& x : v) x = u(rng);
  for (const int r : {0, 1, 2, 5, 11, 40})
    for (const int threads : {1, 3}) {
      const auto out = dv::scene::min_filter(v, w, h, r, threads);
      int wrong = 0;
      for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
          float m = 2.0f;
          for (int yy = std::max(0, y - r); yy <= std::min(h - 1, y + r); ++yy)
            for (int xx = std::max(0, x - r); xx <= std::min(w - 1, x + r); ++xx) m = std::min(m, v[size_t(yy) * w + size_t(xx)]);
          wrong += out[size_t(y) * w + size_t(x)] != m;
        }
      CHECK_MESSAGE(wrong == 0, "radius ", r, ", threads ", threads);
    }
}
