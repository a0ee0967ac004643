// Temporal stabiliser: a still scene with noise and scale/shift drift gets steadier; a moving
// edge and a camera pan are followed, not smeared; scene cuts start afresh; bad input is refused.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "depth/temporal.h"

namespace {

using dv::depth::DepthMap;
using dv::depth::Image;
using dv::depth::Stabiliser;

constexpr int W = 96, H = 64;

// A textured grey level at photo coordinates (x, y): sines plus a fixed pseudo-random pattern.
float texture(int x, int y) {
  const unsigned hash = (unsigned(x) * 73856093u) ^ (unsigned(y) * 19349663u);
  return 110.0f + 45.0f * std::sin(0.37f * x + 0.11f * y) * std::cos(0.23f * y - 0.05f * x) + float(hash % 31) - 15.0f;
}

// A photo from a grey-level function, with a global exposure gain and sensor noise.
template <class Grey>
Image photo(Grey grey, std::mt19937& rng, float gain = 1.0f, float noise = 2.0f) {
  std::normal_distribution<float> n(0.0f, noise);
  Image img{W, H, std::vector<uint8_t>(size_t(W * H * 3))};
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x)
      for (int c = 0; c < 3; ++c)
        img.rgb[size_t((y * W + x) * 3 + c)] = uint8_t(std::clamp(grey(x, y) * gain + n(rng), 0.0f, 255.0f));
  return img;
}

template <class Depth>
DepthMap depth_map(Depth depth, std::mt19937& rng, float scale = 1.0f, float shift = 0.0f, float noise = 0.0f) {
  std::normal_distribution<float> n(0.0f, noise);
  DepthMap map{W, H, std::vector<float>(size_t(W * H))};
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x)
      map.values[size_t(y * W + x)] = scale * (depth(x, y) + (noise > 0 ? n(rng) : 0.0f)) + shift;
  return map;
}

float scene_depth(int x, int y) { return 0.2f + 0.6f * float(y) / H + 0.1f * std::sin(float(x) / 9.0f); }

// RMS of a map's difference from `truth` after the best scale + shift (plain least squares).
double aligned_rms(const DepthMap& map, const DepthMap& truth) {
  const auto fit = dv::depth::robust_linear_fit(map.values, truth.values, 0);
  double sum = 0;
  for (size_t i = 0; i < map.values.size(); ++i)
    sum += std::pow(fit.scale * map.values[i] + fit.shift - truth.values[i], 2);
  return std::sqrt(sum / double(map.values.size()));
}

double mean_abs_change(const DepthMap& a, const DepthMap& b) {
  double sum = 0;
  for (size_t i = 0; i < a.values.size(); ++i) sum += std::abs(a.values[i] - b.values[i]);
  return sum / double(a.values.size());
}

}  // namespace

TEST_CASE("temporal: a still scene with noise and scale/shift drift gets steadier") {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> scale(0.6f, 1.4f), shift(-0.3f, 0.3f), gain(0.98f, 1.02f);
  const DepthMap truth = depth_map(scene_depth, rng);
  Stabiliser stab;
  DepthMap raw_prev, out_prev, out_first;
  double raw_rms = 0, out_rms = 0, raw_change = 0, out_change = 0;
  int counted = 0;
  for (int t = 0; t < 40; ++t) {
    const DepthMap raw = depth_map(scene_depth, rng, scale(rng), shift(rng), 0.03f);
    const DepthMap out = stab.push(photo(texture, rng, gain(rng)), raw);
    CHECK(stab.last().reset == (t == 0));
    CHECK(stab.last().dx == 0);
    CHECK(stab.last().dy == 0);
    if (t >= 10) {  // past the first frames, which average fewer frames
      raw_rms += aligned_rms(raw, truth), out_rms += aligned_rms(out, truth);
      raw_change += mean_abs_change(raw, raw_prev), out_change += mean_abs_change(out, out_prev);
      ++counted;
    }
    raw_prev = raw, out_prev = out;
    if (t == 0) out_first = out;
  }
  // The output stays in the first frame's scale (a biased fit would drift a little every frame).
  const auto drift = dv::depth::robust_linear_fit(out_prev.values, out_first.values, 0);
  CHECK(drift.scale == doctest::Approx(1.0).epsilon(0.02));
  raw_rms /= counted, out_rms /= counted, raw_change /= counted, out_change /= counted;
  MESSAGE("aligned noise raw " << raw_rms << " stabilised " << out_rms << "; frame-to-frame change raw " << raw_change
                               << " stabilised " << out_change);
  CHECK(out_rms < raw_rms / 3);         // local flicker (the noise) averaged away
  CHECK(out_change < raw_change / 10);  // the scale/shift drift removed
}

TEST_CASE("temporal: a moving edge is followed, not smeared") {
  std::mt19937 rng(3);
  const int side = 20, speed = 3;
  Stabiliser stab;
  for (int t = 0; t < 16; ++t) {
    const int left = 10 + speed * t;
    auto inside = [&](int x, int y) { return x >= left && x < left + side && y >= 20 && y < 20 + side; };
    const DepthMap out =
        stab.push(photo([&](int x, int y) { return inside(x, y) ? 250.0f : texture(x, y); }, rng),
                  depth_map([&](int x, int y) { return inside(x, y) ? 0.9f : 0.3f; }, rng, 1.0f, 0.0f, 0.01f));
    if (t == 0) continue;
    CHECK_FALSE(stab.last().reset);
    for (int y = 22; y < 18 + side; ++y)
      for (int x = 0; x < speed; ++x) {
        CHECK(out.values[size_t(y * W + left + side - 1 - x)] > 0.85f);  // just covered by the square
        CHECK(out.values[size_t(y * W + left - 1 - x)] < 0.35f);         // just uncovered
      }
  }
}

TEST_CASE("temporal: a camera pan is followed by the reference") {
  std::mt19937 rng(5);
  const int speed = 2;
  Stabiliser stab;
  for (int t = 0; t < 12; ++t) {
    const int x0 = speed * t;  // the crop window moves right: the content moves left
    const DepthMap raw =
        depth_map([&](int x, int y) { return scene_depth(x + x0, y); }, rng, 1.0f + 0.05f * (t % 3), 0.0f, 0.02f);
    const DepthMap out = stab.push(photo([&](int x, int y) { return texture(x + x0, y); }, rng), raw);
    if (t == 0) continue;
    CHECK(stab.last().dx == speed);
    CHECK(stab.last().dy == 0);
    double err = 0;
    for (int y = 0; y < H; ++y)
      for (int x = 0; x < W - speed; ++x) err += std::abs(out.values[size_t(y * W + x)] - scene_depth(x + x0, y));
    CHECK(err / ((W - speed) * H) < 0.02);  // in the first frame's scale, without smearing
  }
}

TEST_CASE("temporal: a scene cut starts afresh") {
  std::mt19937 rng(11);
  const auto flipped = [](int x, int y) { return texture(W - 1 - x, H - 1 - y); };  // same histogram
  const auto darker = [](int x, int y) { return 0.3f * texture(x, y); };
  // Each case with the other criterion off, so that each criterion is shown to work alone.
  auto cut_after_still_frames = [&](auto second_scene, const dv::depth::StabiliserOptions& options) {
    Stabiliser stab(options);
    for (int t = 0; t < 10; ++t) {
      stab.push(photo(texture, rng), depth_map(scene_depth, rng, 1.0f, 0.0f, 0.02f));
      CHECK(stab.last().reset == (t == 0));
    }
    const auto other_depth = [](int x, int y) { return 1.0f - scene_depth(x, y); };
    const DepthMap raw = depth_map(other_depth, rng, 2.5f, 1.0f, 0.02f);
    const DepthMap out = stab.push(photo(second_scene, rng), raw);
    CHECK(stab.last().reset);
    CHECK(out.values == raw.values);  // the first frame after the cut is its own reference
    stab.push(photo(second_scene, rng), depth_map(other_depth, rng, 2.5f, 1.0f, 0.02f));
    CHECK_FALSE(stab.last().reset);
  };
  SUBCASE("new content, same histogram") { cut_after_still_frames(flipped, {.cut_histogram = 2.0f}); }
  SUBCASE("new histogram") { cut_after_still_frames(darker, {.cut_min_change = 2.0f}); }
  SUBCASE("reset()") {
    Stabiliser stab;
    stab.push(photo(texture, rng), depth_map(scene_depth, rng));
    stab.reset();
    const DepthMap raw = depth_map(scene_depth, rng, 3.0f);
    CHECK(stab.push(photo(texture, rng), raw).values == raw.values);
    CHECK(stab.last().reset);
  }
}

TEST_CASE("temporal: a new frame size starts afresh") {
  std::mt19937 rng(2);
  Stabiliser stab;
  stab.push(photo(texture, rng), depth_map(scene_depth, rng));
  const DepthMap small{W / 2, H / 2, std::vector<float>(size_t(W / 2 * H / 2), 0.5f)};
  const Image small_photo{W / 2, H / 2, std::vector<uint8_t>(size_t(W / 2 * H / 2 * 3), 128)};
  CHECK(stab.push(small_photo, small).values == small.values);
  CHECK(stab.last().reset);
  stab.push(small_photo, small);
  CHECK_FALSE(stab.last().reset);
}

TEST_CASE("temporal: bad input is refused with a clear message") {
  std::mt19937 rng(1);
  Stabiliser stab;
  const Image img = photo(texture, rng);
  CHECK_THROWS_WITH_AS(stab.push(img, DepthMap{W - 1, H, std::vector<float>(size_t((W - 1) * H))}),
                       doctest::Contains("the photo (96x64) and the depth map (95x64) differ in size"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(stab.push(img, DepthMap{}), doctest::Contains("not a valid depth map"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(stab.push(Image{}, depth_map(scene_depth, rng)), doctest::Contains("not a valid RGB image"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(stab.push(img, DepthMap{W, H, std::vector<float>(3)}),
                       doctest::Contains("not a valid depth map"), std::invalid_argument);
  CHECK_THROWS_AS(Stabiliser({.history = 0}), std::invalid_argument);
  CHECK_THROWS_AS(dv::depth::robust_linear_fit(std::vector<float>(3), std::vector<float>(2)), std::invalid_argument);
}

TEST_CASE("temporal: robust_linear_fit ignores outliers") {
  std::vector<float> x, y;
  for (int i = 0; i < 100; ++i) x.push_back(float(i) / 100), y.push_back(i % 10 == 0 ? 5.0f : 2.0f * x.back() + 0.5f);
  const auto plain = dv::depth::robust_linear_fit(x, y, 0), robust = dv::depth::robust_linear_fit(x, y);
  CHECK(std::abs(plain.shift - 0.5) > 0.1);  // the outliers pull plain least squares
  CHECK(robust.scale == doctest::Approx(2.0).epsilon(1e-4));
  CHECK(robust.shift == doctest::Approx(0.5).epsilon(1e-4));
}

TEST_CASE("stabiliser: a large depth change where the photo did not change is taken, not averaged") {
  // The photo test misses motion in flat or similar-looking regions (a rotating camera over a
  // plain wall); depth that jumps far beyond flicker there is a real change.
  std::mt19937 rng(7);
  const auto grey = [](int x, int y) { return texture(x, y); };
  const auto before = [](int x, int) { return 0.2f + 0.3f * float(x) / W; };
  const auto after = [&](int x, int y) { return x > 30 && x < 60 && y > 20 && y < 44 ? 0.95f : before(x, y); };
  Stabiliser s;
  for (int t = 0; t < 6; ++t) s.push(photo(grey, rng), depth_map(before, rng));
  const DepthMap out = s.push(photo(grey, rng), depth_map(after, rng));
  CHECK(out.values[size_t(32 * W + 45)] > 0.9f);       // the changed region: the new depth
  CHECK(out.values[size_t(5 * W + 10)] == doctest::Approx(before(10, 5)).epsilon(0.02));
  // Flicker-sized differences are still averaged: a small bump is damped.
  const auto bump = [&](int x, int y) { return before(x, y) + (x > 30 && x < 60 && y > 20 && y < 44 ? 0.03f : 0.0f); };
  Stabiliser fresh;
  for (int t = 0; t < 6; ++t) fresh.push(photo(grey, rng), depth_map(before, rng));
  const DepthMap damped = fresh.push(photo(grey, rng), depth_map(bump, rng));
  CHECK(damped.values[size_t(32 * W + 45)] - before(45, 32) < 0.02f);
}
