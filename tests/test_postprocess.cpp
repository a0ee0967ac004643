// Depth post-processing: resize to the photo, one convention (bright = near), robust [0, 1].
#include <doctest/doctest.h>

#include <algorithm>

#include "depth/postprocess.h"

using dv::depth::DepthMap;

TEST_CASE("postprocess: bilinear resize keeps constants and ramps") {
  DepthMap flat{4, 3, std::vector<float>(12, 2.5f)};
  const DepthMap big = dv::depth::resize(flat, 9, 7);
  CHECK(big.width == 9);
  CHECK(big.height == 7);
  for (float v : big.values) CHECK(v == doctest::Approx(2.5f));
  DepthMap ramp{8, 1, {0, 1, 2, 3, 4, 5, 6, 7}};
  const DepthMap half = dv::depth::resize(ramp, 4, 1);
  CHECK(std::is_sorted(half.values.begin(), half.values.end()));  // order survives
  CHECK(half.values.front() < 1.5f);
  CHECK(half.values.back() > 5.5f);
}

TEST_CASE("postprocess: depth becomes inverse depth, inverse depth is kept") {
  DepthMap metric{3, 1, {0.5f, 2.0f, 0.0f}};
  dv::depth::to_inverse_depth(metric, dv::depth::OutputKind::MetricDepth);
  CHECK(metric.values[0] == doctest::Approx(2.0f));   // near → large
  CHECK(metric.values[1] == doctest::Approx(0.5f));
  CHECK(metric.values[2] == 0.0f);                    // no value → farthest
  DepthMap disparity{2, 1, {3.0f, 1.0f}};
  dv::depth::to_inverse_depth(disparity, dv::depth::OutputKind::RelativeInverseDepth);
  CHECK(disparity.values == std::vector<float>{3.0f, 1.0f});
}

TEST_CASE("postprocess: normalisation clips outliers to a robust [0, 1] and can invert") {
  DepthMap map{101, 1, {}};
  for (int i = 0; i <= 100; ++i) map.values.push_back(float(i));
  map.values[100] = 1e6f;  // one wild outlier must not squash the rest
  dv::depth::normalize(map, {0.0f, 0.99f, false});
  CHECK(map.values[0] == 0.0f);
  CHECK(map.values[50] == doctest::Approx(50.0f / 99.0f));
  CHECK(map.values[100] == 1.0f);
  dv::depth::normalize(map, {0.0f, 1.0f, true});
  CHECK(map.values[0] == 1.0f);
  CHECK(map.values[100] == 0.0f);
  DepthMap flat{2, 2, std::vector<float>(4, 7.0f)};
  dv::depth::normalize(flat);
  CHECK(flat.values == std::vector<float>(4, 0.0f));
}
