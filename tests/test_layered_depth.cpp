// Layered depth image (scene/layered_depth.h) and its inpainting (scene/inpaint.h): a near square
// before a far plane gives a background continuous behind the square in the background's colour;
// a photo without depth edges gives one layer; a gradient is filled smoothly; cancel; bad input.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>
#include <stdexcept>
#include <string>

#include "scene/inpaint.h"
#include "scene/layered_depth.h"
#include "scene/layered_mesh.h"
#include "support/square_scene.h"

using dv::depth::DepthMap;
using dv::depth::Image;
using dv::scene::PixelRole;

using dv::test::in_square;
using dv::test::kSide;
using dv::test::kSquareHi;
using dv::test::kSquareLo;
using dv::test::square_scene;

TEST_CASE("layered depth: a near square before a far plane gives a background behind the square") {
  Image photo;
  DepthMap depth;
  square_scene(&photo, &depth);
  const auto layers = dv::scene::build_layered_depth(photo, depth);
  REQUIRE(layers.has_value());
  REQUIRE(layers->layer_count() == 2);
  const auto& bg = layers->background;
  // A 96-pixel-wide photo: the square's jump reveals about 6 pixels at 15 degrees (more off-centre).
  CHECK(layers->band_width >= int(dv::scene::reveal_width(kSide, 0.8f, {})));
  int band = 0, worst_colour = 0;
  float worst_depth = 0.0f;
  for (int y = 0; y < kSide; ++y)
    for (int x = 0; x < kSide; ++x) {
      const size_t i = size_t(y) * kSide + size_t(x);
      if (!in_square(x, y)) {
        CHECK(bg.mask[i] == 0);  // the band lies behind the foreground only
        continue;
      }
      // Inside the square, within the reveal width of its edge: the band.
      const int edge = std::min({x - kSquareLo, kSquareHi - 1 - x, y - kSquareLo, kSquareHi - 1 - y});
      if (edge < int(dv::scene::reveal_width(kSide, 0.8f, {}))) CHECK(bg.mask[i] == 1);
      if (!bg.mask[i]) continue;
      ++band;
      worst_depth = std::max(worst_depth, std::abs(bg.depth.values[i] - 0.1f));
      // The fill is the surrounding gradient's colour, not the red square's.
      const int expect[3] = {20, 100 + x / 2, 150 + y / 4};
      for (int k = 0; k < 3; ++k) worst_colour = std::max(worst_colour, std::abs(int(bg.color.rgb[i * 3 + size_t(k)]) - expect[k]));
    }
  CHECK(band > 0);
  CHECK(size_t(band) == layers->band_pixels);
  CHECK(worst_depth < 0.02f);     // the far plane continues behind the square
  CHECK(worst_colour <= 12);      // within a few levels of the background's colour
  CHECK(layers->foreground.color.rgb == photo.rgb);  // the foreground is the photo as is

  // As meshes: the foreground is cut around the square; the background is one whole sheet, far
  // behind where the foreground is cut.
  const auto grid = dv::scene::layered_grid(*layers, kSide);
  const size_t cells = size_t(2 * (grid.columns - 1) * (grid.rows - 1));
  CHECK(grid.foreground.size() < cells);
  CHECK(grid.background.size() == cells);
  std::set<std::array<uint32_t, 3>> kept(grid.foreground.begin(), grid.foreground.end());
  for (const auto& t : grid.background)
    if (!kept.count(t))
      for (uint32_t v : t) CHECK(grid.background_depth[v] < 0.2f);
}

TEST_CASE("layered depth: the same on 1 and 3 threads (red-black sweeps read no pixel they write)") {
  Image photo;
  DepthMap depth;
  square_scene(&photo, &depth);
  dv::scene::LayeredOptions three;
  three.inpaint.threads = 3;
  const auto a = dv::scene::build_layered_depth(photo, depth), b = dv::scene::build_layered_depth(photo, depth, three);
  REQUIRE(a.has_value());
  REQUIRE(b.has_value());
  CHECK(a->background.mask == b->background.mask);
  CHECK(a->background.color.rgb == b->background.color.rgb);
  CHECK(a->background.depth.values == b->background.depth.values);
}

TEST_CASE("layered depth: a photo without depth edges gives a single layer") {
  Image photo;
  DepthMap depth;
  square_scene(&photo, &depth);
  SUBCASE("flat") { depth.values.assign(depth.values.size(), 0.5f); }
  SUBCASE("a gentle slope") {
    for (int y = 0; y < kSide; ++y)
      for (int x = 0; x < kSide; ++x) depth.values[size_t(y) * kSide + size_t(x)] = 0.2f + 0.3f * float(x) / kSide;
  }
  const auto layers = dv::scene::build_layered_depth(photo, depth);
  REQUIRE(layers.has_value());
  CHECK(layers->layer_count() == 1);
  CHECK(layers->band_pixels == 0);
  CHECK(dv::scene::layered_grid(*layers, 32).background.empty());
}

TEST_CASE("inpaint: a hole in a smooth gradient is filled within a few levels") {
  const int w = 128, h = 96;
  dv::scene::Planes image{w, h, 1, std::vector<float>(size_t(w) * h)};
  std::vector<PixelRole> roles(size_t(w) * h, PixelRole::kSource);
  auto truth = [](int x, int y) { return 40.0f + 1.2f * float(x) + 0.5f * float(y); };
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const size_t i = size_t(y) * w + size_t(x);
      const bool hole = std::abs(x - 60) < 20 && std::abs(y - 50) < 15;
      image.values[i] = hole ? 0.0f : truth(x, y);
      roles[i] = hole ? PixelRole::kHole : PixelRole::kSource;
    }
  int calls = 0;
  dv::scene::InpaintOptions options;
  options.threads = 2;
  options.progress = [&](float f) {
    CHECK(f >= 0.0f);
    CHECK(f <= 1.0f);
    ++calls;
    return true;
  };
  REQUIRE(dv::scene::inpaint(image, roles, options));
  CHECK(calls > 0);
  float worst = 0.0f;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) worst = std::max(worst, std::abs(image.values[size_t(y) * w + size_t(x)] - truth(x, y)));
  CHECK(worst < 3.0f);
}

TEST_CASE("inpaint: cancel stops it, and the layered depth image with it") {
  Image photo;
  DepthMap depth;
  square_scene(&photo, &depth);
  dv::scene::LayeredOptions options;
  std::vector<float> seen;
  options.inpaint.progress = [&](float f) {
    seen.push_back(f);
    return true;
  };
  REQUIRE(dv::scene::build_layered_depth(photo, depth, options).has_value());
  REQUIRE(seen.size() > 2);
  CHECK(std::is_sorted(seen.begin(), seen.end()));  // band search, then the fill: one scale
  CHECK(seen.back() == doctest::Approx(1.0f));
  for (const size_t stop : {size_t(1), seen.size() / 2, seen.size() - 1}) {  // in the band search and in the fill
    size_t calls = 0;
    options.inpaint.progress = [&](float) { return ++calls < stop; };
    CHECK_FALSE(dv::scene::build_layered_depth(photo, depth, options).has_value());
    CHECK(calls == stop);  // not called again after it said stop
  }
}

TEST_CASE("layered depth and inpaint: bad input throws std::invalid_argument with a message") {
  Image photo;
  DepthMap depth;
  square_scene(&photo, &depth);
  auto message = [](auto&& f) {
    try {
      f();
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no exception");
  };
  DepthMap small{10, 10, std::vector<float>(100, 0.5f)};
  CHECK(message([&] { dv::scene::build_layered_depth(photo, small); }).find("96x96") != std::string::npos);
  CHECK(message([&] { dv::scene::build_layered_depth(Image{}, DepthMap{}); }).find("photo") != std::string::npos);
  dv::scene::LayeredOptions bad;
  bad.view.view_degrees = NAN;
  CHECK(message([&] { dv::scene::build_layered_depth(photo, depth, bad); }).find("angle") != std::string::npos);
  dv::scene::Planes empty;
  CHECK(message([&] { dv::scene::inpaint(empty, {}); }).find("empty") != std::string::npos);
  dv::scene::Planes one{4, 4, 1, std::vector<float>(16)};
  CHECK(message([&] { dv::scene::inpaint(one, std::vector<PixelRole>(3)); }).find("3 pixel roles") != std::string::npos);
}
