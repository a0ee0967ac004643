#include "scene/stereo_image.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

namespace dv::scene {

namespace {

using Matrix = std::array<std::array<float, 3>, 3>;

// Eric Dubois' red-cyan least-squares matrices (rows: the anaglyph's R, G, B; columns: the eye's
// linear R, G, B), from E. Dubois, "A projection method to generate anaglyph stereo images",
// ICASSP 2001, with the values of his "Conversion of a stereo pair to anaglyph with the
// least-squares projection method" (2009) — the same as Dolphin's and Camera3D's dubois shaders.
constexpr Matrix kDuboisLeft{{{0.437f, 0.449f, 0.164f}, {-0.062f, -0.062f, -0.024f}, {-0.048f, -0.050f, -0.017f}}};
constexpr Matrix kDuboisRight{{{-0.011f, -0.032f, -0.007f}, {0.377f, 0.761f, 0.009f}, {-0.026f, -0.093f, 1.234f}}};

float to_linear(uint8_t v) {
  const float c = float(v) / 255.0f;
  return c <= 0.04045f ? c / 12.92f : std::pow((c + 0.055f) / 1.055f, 2.4f);
}

uint8_t to_srgb(float linear) {
  const float c = std::clamp(linear, 0.0f, 1.0f);
  const float v = c <= 0.0031308f ? c * 12.92f : 1.055f * std::pow(c, 1.0f / 2.4f) - 0.055f;
  return uint8_t(std::lround(v * 255.0f));
}

// Copies `eye` into `out` at (x0, y0); step 2 averages each two columns into one (half width).
void blit(depth::Image& out, const depth::Image& eye, int x0, int y0, int step) {
  for (int y = 0; y < eye.height; ++y)
    for (int x = 0; x < eye.width / step; ++x) {
      const uint8_t* a = &eye.rgb[(size_t(y) * size_t(eye.width) + size_t(x * step)) * 3];
      const uint8_t* b = a + 3 * (step - 1);
      uint8_t* to = &out.rgb[(size_t(y + y0) * size_t(out.width) + size_t(x0 + x)) * 3];
      for (int c = 0; c < 3; ++c) to[c] = uint8_t((a[c] + b[c] + 1) / 2);
    }
}

void check(const depth::Image& left, const depth::Image& right, StereoLayout layout) {
  depth::validate(left, "stereo image (left eye)");
  depth::validate(right, "stereo image (right eye)");
  if (left.width != right.width || left.height != right.height)
    throw std::invalid_argument("stereo image: the eyes differ in size");
  check_stereo_size(layout, left.width, left.height);
}

}  // namespace

void check_stereo_size(StereoLayout layout, int width, int height) {
  int w = 0, h = 0;
  stereo_layout_size(layout, width, height, &w, &h);
  if (w > kMaxStereoSide || h > kMaxStereoSide)
    throw std::invalid_argument("stereo image: " + std::to_string(w) + "x" + std::to_string(h) + " is over the " +
                                std::to_string(kMaxStereoSide) + " pixels (8K) an export may be wide or tall");
}

void stereo_layout_size(StereoLayout layout, int width, int height, int* out_width, int* out_height) {
  const bool wide = layout == StereoLayout::SideBySide || layout == StereoLayout::CrossEyed;
  *out_width = wide ? 2 * width : layout == StereoLayout::SideBySideHalf ? 2 * (width / 2) : width;
  *out_height = layout == StereoLayout::OverUnder ? 2 * height : height;
}

depth::Image dubois_anaglyph(const depth::Image& left, const depth::Image& right) {
  check(left, right, StereoLayout::Anaglyph);
  depth::Image out{left.width, left.height, std::vector<uint8_t>(left.rgb.size())};
  for (size_t p = 0; p < out.rgb.size(); p += 3)
    for (size_t c = 0; c < 3; ++c) {
      float v = 0;
      for (size_t k = 0; k < 3; ++k) v += kDuboisLeft[c][k] * to_linear(left.rgb[p + k]) + kDuboisRight[c][k] * to_linear(right.rgb[p + k]);
      out.rgb[p + c] = to_srgb(v);
    }
  return out;
}

depth::Image compose_stereo(const StereoPair& pair, StereoLayout layout) {
  check(pair.left, pair.right, layout);
  if (layout == StereoLayout::Anaglyph) return dubois_anaglyph(pair.left, pair.right);
  int w = 0, h = 0;
  stereo_layout_size(layout, pair.left.width, pair.left.height, &w, &h);
  depth::Image out{w, h, std::vector<uint8_t>(size_t(w) * size_t(h) * 3)};
  const int step = layout == StereoLayout::SideBySideHalf ? 2 : 1;
  const bool swapped = layout == StereoLayout::CrossEyed;  // the right eye's view on the left
  const depth::Image& first = swapped ? pair.right : pair.left;
  const depth::Image& second = swapped ? pair.left : pair.right;
  blit(out, first, 0, 0, step);
  if (layout == StereoLayout::OverUnder) blit(out, second, 0, pair.left.height, 1);
  else blit(out, second, w / 2, 0, step);
  return out;
}

}  // namespace dv::scene
