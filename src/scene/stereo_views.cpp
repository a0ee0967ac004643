#include "scene/stereo_views.h"

#include <cmath>
#include <stdexcept>
#include <vector>

#include "scene/hole_fill.h"

namespace dv::scene {

namespace {

// A view being drawn: colour, the depth that won each pixel (-inf: nothing yet).
struct Canvas {
  depth::Image image;
  std::vector<float> depth;
  Canvas(int w, int h) : image{w, h, std::vector<uint8_t>(size_t(w) * size_t(h) * 3)}, depth(size_t(w) * size_t(h), -INFINITY) {}
  void put(int x, int y, float d, const uint8_t* rgb) {
    const size_t i = size_t(y) * size_t(image.width) + size_t(x);
    if (d < depth[i]) return;  // the nearer point stays; ties go to the later layer (the foreground)
    depth[i] = d;
    std::copy_n(rgb, 3, &image.rgb[i * 3]);
  }
};

// One row of a layer, each pixel moved by side x half its disparity. Neighbours on one surface
// (depths within `edge`) also fill the pixels between them, so a stretch leaves no cracks; a
// depth edge leaves its gap for the layer behind.
void warp_row(Canvas& canvas, const Layer& layer, int y, float side, float edge, const StereoOptions& o) {
  const int w = layer.color.width;
  const size_t row = size_t(y) * size_t(w);
  auto target = [&](int x) { return float(x) + side * 0.5f * disparity_pixels(layer.depth.values[row + size_t(x)], w, o); };
  for (int x = 0; x < w; ++x) {  // all of the background: outside its band it is the photo itself
    const float d = layer.depth.values[row + size_t(x)];
    const uint8_t* rgb = &layer.color.rgb[(row + size_t(x)) * 3];
    const int from = int(std::lround(target(x)));
    int to = from;
    if (x + 1 < w && std::abs(layer.depth.values[row + size_t(x) + 1] - d) <= edge)
      to = std::max(from, int(std::lround(target(x + 1))) - 1);
    for (int t = std::max(from, 0); t <= std::min(to, w - 1); ++t) canvas.put(t, y, d, rgb);
  }
}

depth::Image render_eye(const LayeredDepth& layers, float side, const StereoOptions& o) {
  const depth::Image& photo = layers.foreground.color;
  Canvas canvas(photo.width, photo.height);
  const float edge = layers.edge_jump > 0.0f ? layers.edge_jump : LayeredOptions{}.edge_jump;
  for (const Layer* layer : {&layers.background, &layers.foreground})
    if (layer->color.width > 0)
      for (int y = 0; y < photo.height; ++y) warp_row(canvas, *layer, y, side, edge, o);
  fill_holes_from_behind(canvas.image, canvas.depth);
  return std::move(canvas.image);
}

}  // namespace

float disparity_pixels(float depth, int width, const StereoOptions& o) {
  return std::isfinite(depth) ? o.eye_distance * float(width) * (depth - o.zero_parallax) : 0.0f;
}

StereoPair render_stereo_pair(const LayeredDepth& layers, const StereoOptions& o) {
  depth::validate(layers.foreground.color, "stereo views");
  depth::validate(layers.foreground.depth, "stereo views");
  if (!std::isfinite(o.eye_distance) || std::abs(o.eye_distance) > 0.5f || !std::isfinite(o.zero_parallax))
    throw std::invalid_argument("stereo views: the eye distance must be a number within ±0.5 of the photo's width "
                                "and the screen plane a depth (they are " + std::to_string(o.eye_distance) + " and " +
                                std::to_string(o.zero_parallax) + ")");
  return {render_eye(layers, +1.0f, o), render_eye(layers, -1.0f, o)};
}

}  // namespace dv::scene
