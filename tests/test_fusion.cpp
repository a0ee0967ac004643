// Fusion of sparse sensor depth with a model's relative inverse depth, on synthetic scenes:
// an exact affine model recovers metric depth at withheld pixels; a distorted, noisy model fused
// with noisy samples beats both the model alone (median scale) and the samples alone (nearest
// neighbour); the sensor is kept; confidence is 1 at samples and falls with distance; the
// distance transform equals brute force.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "depth/fusion.h"
#include "depth/metrics.h"

using dv::depth::DepthMap;

namespace {

constexpr int kW = 160, kH = 120;

// A floor-like slanted plane (2..6 m) with a box in front (1.2 m): one depth edge.
DepthMap scene() {
  DepthMap d{kW, kH, std::vector<float>(size_t(kW * kH))};
  for (int y = 0; y < kH; ++y)
    for (int x = 0; x < kW; ++x) {
      const bool box = x > 50 && x < 100 && y > 30 && y < 80;
      d.values[size_t(y * kW + x)] = box ? 1.2f + 0.002f * float(x) : 6.0f - 4.0f * float(y) / kH + 0.005f * float(x);
    }
  return d;
}

// Keeps `share` of the pixels (seeded); the rest go to `withheld`.
DepthMap keep(const DepthMap& truth, double share, DepthMap* withheld, uint32_t seed = 7) {
  std::mt19937 rng(seed);
  std::bernoulli_distribution pick(share);
  DepthMap kept{truth.width, truth.height, std::vector<float>(truth.values.size(), 0.0f)};
  *withheld = kept;
  for (size_t i = 0; i < truth.values.size(); ++i) (pick(rng) ? kept : *withheld).values[i] = truth.values[i];
  return kept;
}

// Model-only baseline: the model's depth (1 / inverse) times the median ratio at the samples.
DepthMap median_scaled(const DepthMap& model_inverse, const DepthMap& kept) {
  std::vector<double> ratio;
  for (size_t i = 0; i < kept.values.size(); ++i)
    if (kept.values[i] > 0) ratio.push_back(kept.values[i] * model_inverse.values[i]);
  std::nth_element(ratio.begin(), ratio.begin() + std::ptrdiff_t(ratio.size() / 2), ratio.end());
  DepthMap d = model_inverse;
  for (float& v : d.values) v = float(ratio[ratio.size() / 2] / v);
  return d;
}

}  // namespace

TEST_CASE("fusion: the distance transform finds the nearest sample exactly") {
  std::mt19937 rng(3);
  for (const double share : {0.002, 0.03, 0.3}) {
    DepthMap sparse{37, 23, std::vector<float>(37 * 23, 0.0f)};
    std::bernoulli_distribution pick(share);
    for (float& v : sparse.values) v = pick(rng) ? 1.0f : 0.0f;
    sparse.values[5] = 1.0f;  // at least one
    const auto nearest = dv::depth::nearest_samples(sparse);
    for (int y = 0; y < 23; ++y)
      for (int x = 0; x < 37; ++x) {
        double best = INFINITY;
        for (int j = 0; j < 37 * 23; ++j)
          if (sparse.values[size_t(j)] > 0) best = std::min(best, std::hypot(double(j % 37 - x), double(j / 37 - y)));
        const size_t i = size_t(y * 37 + x);
        REQUIRE(nearest.distance[i] == doctest::Approx(best));
        const int j = nearest.index[i];
        CHECK(std::hypot(double(j % 37 - x), double(j / 37 - y)) == doctest::Approx(best));
      }
  }
  const auto none = dv::depth::nearest_samples(DepthMap{4, 3, std::vector<float>(12, 0.0f)});
  CHECK(none.index[7] == -1);
  CHECK(std::isinf(none.distance[7]));
}

TEST_CASE("fusion: a model affine in inverse depth recovers metric depth at withheld pixels within 1e-3") {
  const DepthMap truth = scene();
  DepthMap model = truth;
  for (float& v : model.values) v = 3.0f / v + 0.4f;  // any scale and shift
  for (const double share : {0.01, 0.05}) {
    DepthMap withheld;
    const DepthMap kept = keep(truth, share, &withheld);
    const auto r = dv::depth::fuse_depth(kept, model);
    double worst = 0;
    for (size_t i = 0; i < truth.values.size(); ++i)
      if (withheld.values[i] > 0) worst = std::max(worst, std::abs(double(r.depth.values[i]) / truth.values[i] - 1));
    CAPTURE(share);
    CAPTURE(r.summary());
    CHECK(worst < 1e-3);
    CHECK(r.fit.scale == doctest::Approx(1.0 / 3.0).epsilon(1e-4));
    CHECK(r.fit.shift == doctest::Approx(-0.4 / 3.0).epsilon(1e-3));
    for (size_t i = 0; i < truth.values.size(); ++i)
      if (kept.values[i] > 0) REQUIRE(r.depth.values[i] == kept.values[i]);  // the sensor is kept
  }
}

TEST_CASE("fusion: with a distorted, noisy model and noisy samples, fused beats model-only and sensor-only") {
  const DepthMap truth = scene();
  std::mt19937 rng(11);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  // The model: right edges, wrong global shape (a smooth bias of ±25 %) and 2 % pixel noise.
  DepthMap model = truth;
  for (int y = 0; y < kH; ++y)
    for (int x = 0; x < kW; ++x) {
      const float bias = 1.0f + 0.25f * std::sin(float(x) / 30.0f) * std::cos(float(y) / 25.0f);
      float& v = model.values[size_t(y * kW + x)];
      v = 2.0f * bias / v * (1.0f + 0.02f * noise(rng)) + 0.1f;
    }
  for (const double share : {0.01, 0.05}) {
    DepthMap withheld;
    DepthMap kept = keep(truth, share, &withheld);
    for (float& v : kept.values)
      if (v > 0) v *= 1.0f + 0.01f * noise(rng);  // 1 % sensor noise
    const auto fused = dv::depth::fuse_depth(kept, model);
    const auto f = dv::depth::depth_metrics(fused.depth, withheld);
    const auto m = dv::depth::depth_metrics(median_scaled(model, kept), withheld);
    const auto s = dv::depth::depth_metrics(dv::depth::fill_nearest(kept), withheld);
    CAPTURE(share);
    CAPTURE(fused.summary());
    MESSAGE("share " << share << ": AbsRel fused " << f.abs_rel << ", model-only " << m.abs_rel << ", nearest sample "
                     << s.abs_rel);
    CHECK(fused.correction_cell > 0);  // the bias needs the local correction
    CHECK(f.abs_rel < m.abs_rel);
    CHECK(f.abs_rel < s.abs_rel);
    CHECK(f.delta1 >= m.delta1);
    CHECK(f.delta1 >= s.delta1);
    // Global fit only: the bias stays, so it cannot beat the nearest sample at 5 %.
    dv::depth::FusionOptions global;
    global.local_correction = false;
    CHECK(dv::depth::depth_metrics(dv::depth::fuse_depth(kept, model, global).depth, withheld).abs_rel > f.abs_rel);
  }
}

TEST_CASE("fusion: holes are filled, confidence is 1 at samples and falls with distance, bad input named") {
  const DepthMap truth = scene();
  DepthMap model = truth;
  for (float& v : model.values) v = 1.0f / v;
  DepthMap holey = truth;
  for (int y = 40; y < 70; ++y)
    for (int x = 10; x < 45; ++x) holey.values[size_t(y * kW + x)] = 0.0f;  // a 35x30 hole
  const auto r = dv::depth::fuse_depth(holey, model);
  for (size_t i = 0; i < truth.values.size(); ++i) {
    REQUIRE(r.depth.values[i] > 0);
    REQUIRE(r.confidence.values[i] >= 0);
    REQUIRE(r.confidence.values[i] <= 1);
    if (holey.values[i] > 0) REQUIRE(r.confidence.values[i] == 1);
  }
  CHECK(r.depth.values[size_t(55 * kW + 27)] == doctest::Approx(truth.values[size_t(55 * kW + 27)]).epsilon(1e-3));
  CHECK(r.confidence.values[size_t(55 * kW + 27)] < r.confidence.values[size_t(55 * kW + 12)]);  // centre vs rim
  CHECK_THROWS_AS(dv::depth::fuse_depth(holey, DepthMap{kW, kH - 1, std::vector<float>(size_t(kW * (kH - 1)), 1.0f)}),
                  std::invalid_argument);
  DepthMap few{kW, kH, std::vector<float>(size_t(kW * kH), 0.0f)};
  few.values[0] = few.values[99] = 1.0f;
  CHECK_THROWS_WITH(dv::depth::fuse_depth(few, model), doctest::Contains("2 valid pixels, at least 10"));
}

TEST_CASE("fusion: a sensor that measured every pixel is kept as it is, and still fitted") {
  const int w = 64, h = 48;
  DepthMap sensor{w, h, std::vector<float>(size_t(w * h))}, model{w, h, std::vector<float>(size_t(w * h))};
  for (size_t i = 0; i < sensor.values.size(); ++i) {
    sensor.values[i] = 0.5f + 0.001f * float(i);
    model.values[i] = 2.0f / sensor.values[i] + 1.0f;
  }
  const auto r = dv::depth::fuse_depth(sensor, model);
  CHECK(r.depth.values == sensor.values);
  CHECK(r.correction_cell == 0.0f);
  CHECK(r.fit.scale == doctest::Approx(0.5).epsilon(1e-3));
  CHECK(r.summary().find("measured every pixel") != std::string::npos);
}
