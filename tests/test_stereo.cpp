// Stereo output of the 3D photo (scene/stereo_views.h, stereo_image.h): a near square moves by its
// disparity between the eyes and uncovers the inpainted background; the layouts place the eyes;
// the anaglyph of identical eyes is the Dubois transform of the image; over-8K sizes are refused.
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <stdexcept>
#include <string>

#include "scene/stereo_image.h"
#include "scene/stereo_views.h"
#include "support/square_scene.h"

using dv::depth::Image;
using dv::scene::StereoLayout;

namespace {

const uint8_t* pixel(const Image& image, int x, int y) { return &image.rgb[(size_t(y) * size_t(image.width) + size_t(x)) * 3]; }

bool red(const Image& image, int x, int y) { return pixel(image, x, y)[0] > 150; }

// The first column of row y where the red square is.
int square_left_edge(const Image& image, int y) {
  for (int x = 0; x < image.width; ++x)
    if (red(image, x, y)) return x;
  return -1;
}

Image solid(int w, int h, uint8_t r, uint8_t g, uint8_t b) {
  Image image{w, h, std::vector<uint8_t>(size_t(w) * size_t(h) * 3)};
  for (size_t i = 0; i < image.rgb.size(); i += 3) image.rgb[i] = r, image.rgb[i + 1] = g, image.rgb[i + 2] = b;
  return image;
}

std::string refusal(int w, int h, StereoLayout layout) {
  const dv::scene::StereoPair pair{solid(w, h, 1, 2, 3), solid(w, h, 1, 2, 3)};
  try {
    dv::scene::compose_stereo(pair, layout);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(accepted)";
}

// The independent reference: sRGB → linear, Dubois' published red-cyan matrices, back to sRGB.
std::array<uint8_t, 3> dubois_reference(const uint8_t* rgb) {
  const double left[3][3] = {{0.437, 0.449, 0.164}, {-0.062, -0.062, -0.024}, {-0.048, -0.050, -0.017}};
  const double right[3][3] = {{-0.011, -0.032, -0.007}, {0.377, 0.761, 0.009}, {-0.026, -0.093, 1.234}};
  double linear[3];
  for (int k = 0; k < 3; ++k) {
    const double c = rgb[k] / 255.0;
    linear[k] = c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
  }
  std::array<uint8_t, 3> out{};
  for (int c = 0; c < 3; ++c) {
    double v = 0;
    for (int k = 0; k < 3; ++k) v += (left[c][k] + right[c][k]) * linear[k];
    v = std::clamp(v, 0.0, 1.0);
    out[size_t(c)] = uint8_t(std::lround(255 * (v <= 0.0031308 ? v * 12.92 : 1.055 * std::pow(v, 1 / 2.4) - 0.055)));
  }
  return out;
}

}  // namespace

TEST_CASE("stereo: a near square shifts by its disparity between the eyes, the background fills behind") {
  const auto layers = dv::test::square_layers();
  // The far plane (0.1) in the screen plane; the square (0.9) 8 pixels apart between the eyes.
  dv::scene::StereoOptions options;
  options.zero_parallax = 0.1f;
  options.eye_distance = 8.0f / (0.8f * float(dv::test::kSide));
  CHECK(dv::scene::disparity_pixels(0.9f, dv::test::kSide, options) == doctest::Approx(8.0f));
  const dv::scene::StereoPair pair = dv::scene::render_stereo_pair(layers, options);
  REQUIRE(pair.left.width == dv::test::kSide);
  const int y = 48;  // a row through the square
  CHECK(square_left_edge(pair.left, y) == dv::test::kSquareLo + 4);
  CHECK(square_left_edge(pair.right, y) == dv::test::kSquareLo - 4);
  CHECK(square_left_edge(pair.left, y) - square_left_edge(pair.right, y) == 8);
  // The plane does not move: its pixels are the photo's in both eyes.
  CHECK(std::equal(pixel(pair.left, 5, 5), pixel(pair.left, 5, 5) + 3, pixel(layers.foreground.color, 5, 5)));
  CHECK(std::equal(pixel(pair.right, 90, 90), pixel(pair.right, 90, 90) + 3, pixel(layers.foreground.color, 90, 90)));
  // What the square uncovers in the left eye (its old left edge) is the background's colour, not red.
  for (int x = dv::test::kSquareLo; x < dv::test::kSquareLo + 4; ++x) {
    CHECK_FALSE(red(pair.left, x, y));
    CHECK(std::equal(pixel(pair.left, x, y), pixel(pair.left, x, y) + 3, pixel(layers.background.color, x, y)));
  }
}

TEST_CASE("stereo: side by side, half width, over-under and cross-eyed place the eyes") {
  const dv::scene::StereoPair pair{solid(6, 4, 255, 0, 0), solid(6, 4, 0, 0, 255)};
  const Image sbs = dv::scene::compose_stereo(pair, StereoLayout::SideBySide);
  CHECK(sbs.width == 12);
  CHECK(sbs.height == 4);
  CHECK(pixel(sbs, 0, 0)[0] == 255);   // left eye on the left
  CHECK(pixel(sbs, 11, 3)[2] == 255);
  const Image half = dv::scene::compose_stereo(pair, StereoLayout::SideBySideHalf);
  CHECK(half.width == 6);
  CHECK(pixel(half, 2, 0)[0] == 255);
  CHECK(pixel(half, 3, 0)[2] == 255);
  const Image ou = dv::scene::compose_stereo(pair, StereoLayout::OverUnder);
  CHECK(ou.width == 6);
  CHECK(ou.height == 8);
  CHECK(pixel(ou, 0, 3)[0] == 255);    // left eye on top
  CHECK(pixel(ou, 0, 4)[2] == 255);
  const Image cross = dv::scene::compose_stereo(pair, StereoLayout::CrossEyed);
  CHECK(cross.width == 12);
  CHECK(pixel(cross, 0, 0)[2] == 255);  // the right eye's view on the left
  CHECK(pixel(cross, 11, 0)[0] == 255);
}

TEST_CASE("stereo: the anaglyph of identical eyes is the Dubois transform of the image") {
  Image image{4, 2, {}};
  const uint8_t colours[8][3] = {{0, 0, 0}, {255, 255, 255}, {255, 0, 0}, {0, 255, 0},
                                 {0, 0, 255}, {128, 64, 32}, {10, 200, 90}, {250, 250, 5}};
  for (const auto& c : colours) image.rgb.insert(image.rgb.end(), c, c + 3);
  const Image anaglyph = dv::scene::compose_stereo({image, image}, StereoLayout::Anaglyph);
  REQUIRE(anaglyph.width == 4);
  for (int i = 0; i < 8; ++i) {
    const auto expected = dubois_reference(colours[i]);
    for (int c = 0; c < 3; ++c)
      CHECK(std::abs(int(anaglyph.rgb[size_t(i) * 3 + size_t(c)]) - int(expected[size_t(c)])) <= 1);
  }
  // White stays near white through the glasses: red 255, cyan side (0.377+0.761+0.009 = 1.147 → clipped).
  CHECK(anaglyph.rgb[3] == 255);
  CHECK(anaglyph.rgb[4] == 255);
}

TEST_CASE("stereo: outputs beyond 8K are refused with the size in the message") {
  CHECK(refusal(3841, 100, StereoLayout::SideBySide).find("7682x100 is over the 7680 pixels") != std::string::npos);
  CHECK(refusal(3840, 100, StereoLayout::SideBySide) == "(accepted)");
  CHECK(refusal(100, 3841, StereoLayout::OverUnder).find("100x7682") != std::string::npos);
  CHECK(refusal(7681, 10, StereoLayout::Anaglyph).find("7681x10") != std::string::npos);
  CHECK(refusal(7681, 10, StereoLayout::SideBySideHalf) == "(accepted)");  // 7680 wide
  CHECK(refusal(7683, 10, StereoLayout::SideBySideHalf).find("7682x10") != std::string::npos);
  CHECK(refusal(10, 7681, StereoLayout::CrossEyed).find("20x7681") != std::string::npos);
  dv::scene::StereoOptions bad;
  bad.eye_distance = NAN;
  CHECK_THROWS_AS(dv::scene::render_stereo_pair(dv::test::square_layers(), bad), std::invalid_argument);
}
