// Guided filter: a depth edge blurred by upsampling is pulled towards the photo's sharp edge; flat
// depth stays flat; values stay in the input's range.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "depth/guided_filter.h"

TEST_CASE("guided filter: sharpens a blurred depth edge along the photo's edge") {
  const int w = 64, h = 16, edge = 32;
  dv::depth::Image photo{w, h, std::vector<uint8_t>(size_t(w * h * 3))};
  dv::depth::DepthMap blurred{w, h, std::vector<float>(size_t(w * h))};
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const size_t i = size_t(y * w + x);
      std::fill_n(&photo.rgb[i * 3], 3, uint8_t(x < edge ? 30 : 220));
      blurred.values[i] = std::clamp(float(x - (edge - 6)) / 12.0f, 0.0f, 1.0f);  // a 12-pixel ramp
    }
  const auto sharp = dv::depth::guided_filter(blurred, photo, {8, 1e-3f});
  double before = 0, after = 0;
  for (int y = 0; y < h; ++y)
    for (int x = edge - 6; x < edge + 6; ++x) {
      const float step = x < edge ? 0.0f : 1.0f;
      before += std::abs(blurred.values[size_t(y * w + x)] - step);
      after += std::abs(sharp.values[size_t(y * w + x)] - step);
    }
  CHECK(after < 0.8 * before);
  // The blurred map rises 1/12 between the two pixels at the photo's edge; filtered, most of the
  // depth step happens there.
  const size_t row = size_t(8 * w);
  CHECK(sharp.values[row + edge] - sharp.values[row + edge - 1] > 0.5f);
  CHECK(*std::min_element(sharp.values.begin(), sharp.values.end()) >= 0.0f);
  CHECK(*std::max_element(sharp.values.begin(), sharp.values.end()) <= 1.0f);

  const dv::depth::DepthMap flat{w, h, std::vector<float>(size_t(w * h), 0.4f)};
  for (float v : dv::depth::guided_filter(flat, photo, {4, 1e-3f}).values) CHECK(v == doctest::Approx(0.4f));
  CHECK_THROWS_WITH(dv::depth::guided_filter(flat, dv::depth::Image{2, 2, std::vector<uint8_t>(12)}, {}),
                    doctest::Contains("differ in size"));
}
