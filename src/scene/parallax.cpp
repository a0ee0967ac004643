#include "scene/parallax.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include <glm/gtc/matrix_transform.hpp>

#include "scene/hole_fill.h"
#include "scene/layered_mesh.h"
#include "scene/stereo_image.h"

namespace dv::scene {

namespace {

constexpr float kTwoPi = 6.28318530718f;
constexpr float kNear = 0.02f, kFar = 50.0f;

struct PathName {
  ParallaxPath path;
  const char* name;
};
constexpr PathName kPaths[] = {{ParallaxPath::Circle, "circle"},
                               {ParallaxPath::Swing, "swing"},
                               {ParallaxPath::DollyZoom, "dolly-zoom"},
                               {ParallaxPath::Keyframes, "keyframes"}};

float smoothstep(float x) { return x * x * (3.0f - 2.0f * x); }

glm::vec3 key_offset(const std::vector<CameraKey>& keys, float t) {
  if (t <= keys.front().t) return {keys.front().x, keys.front().y, keys.front().z};
  for (size_t k = 1; k < keys.size(); ++k) {
    const CameraKey &a = keys[k - 1], &b = keys[k];
    if (t > b.t) continue;
    const float s = smoothstep((t - a.t) / std::max(b.t - a.t, 1e-6f));
    return glm::mix(glm::vec3(a.x, a.y, a.z), glm::vec3(b.x, b.y, b.z), s);
  }
  return {keys.back().x, keys.back().y, keys.back().z};
}

bool within(float v, float lo, float hi) { return std::isfinite(v) && v >= lo && v <= hi; }

void check_keys(const std::vector<CameraKey>& keys) {
  if (keys.empty()) throw std::invalid_argument("the keyframes path needs at least one key (t:x,y,z)");
  for (size_t k = 0; k < keys.size(); ++k) {
    const CameraKey& c = keys[k];
    if (!within(c.t, 0, 1) || !within(c.x, -0.5f, 0.5f) || !within(c.y, -0.5f, 0.5f) || !within(c.z, -2.0f, 0.9f))
      throw std::invalid_argument("keyframe " + std::to_string(k + 1) +
                                  ": t must be within 0..1, x and y within ±0.5 photo widths, z within -2..0.9");
    if (k > 0 && c.t <= keys[k - 1].t)
      throw std::invalid_argument("keyframe " + std::to_string(k + 1) + ": the keys' times must increase");
  }
}

// The eyes of a stereo frame, photo widths apart so that depth 1 and depth 0 differ in disparity
// by eye_distance of the width (as scene/stereo_views.h's pairs).
float eye_separation(const ParallaxOptions& o) { return o.eyes.eye_distance * o.view.view_distance / o.view.depth_scale; }

}  // namespace

ParallaxPath parse_parallax_path(const std::string& name) {
  for (const PathName& p : kPaths)
    if (name == p.name) return p.path;
  throw std::invalid_argument("unknown parallax path '" + name + "' (circle, swing, dolly-zoom or keyframes)");
}

const char* parallax_path_name(ParallaxPath path) {
  for (const PathName& p : kPaths)
    if (p.path == path) return p.name;
  return "?";
}

std::vector<CameraKey> parse_camera_keys(const std::string& text) {
  std::vector<CameraKey> keys;
  std::string spaced = text;  // keys apart by ';' or white space
  std::replace(spaced.begin(), spaced.end(), ';', ' ');
  std::stringstream all(spaced);
  std::string item;
  while (all >> item) {
    if (item.find_first_not_of(" \t") == std::string::npos) continue;
    CameraKey k;
    char colon = 0, c1 = 0, c2 = 0;
    std::istringstream in(item);
    in >> k.t >> colon >> k.x >> c1 >> k.y;
    if (!in || colon != ':' || c1 != ',')
      throw std::invalid_argument("keyframe '" + item + "': expected t:x,y or t:x,y,z (numbers)");
    if (in >> c2) {
      if (c2 != ',' || !(in >> k.z)) throw std::invalid_argument("keyframe '" + item + "': expected t:x,y,z");
    }
    std::string rest;
    if (in.clear(), in >> rest, !rest.empty()) throw std::invalid_argument("keyframe '" + item + "': '" + rest + "' after the numbers");
    keys.push_back(k);
  }
  check_keys(keys);
  return keys;
}

int parallax_frame_count(const ParallaxOptions& o) { return std::max(1, int(std::lround(double(o.seconds) * double(o.fps)))); }

glm::vec3 camera_offset(const ParallaxOptions& o, int index) {
  const int n = parallax_frame_count(o);
  const float a = o.amplitude, loop = float(index) / float(n);
  switch (o.path) {
    case ParallaxPath::Circle: return {a * std::sin(kTwoPi * loop), a * std::cos(kTwoPi * loop), 0.0f};
    case ParallaxPath::Swing: return {a * std::sin(kTwoPi * loop), 0.0f, 0.0f};
    case ParallaxPath::DollyZoom: return {0.0f, 0.0f, o.dolly * (0.5f - 0.5f * std::cos(kTwoPi * loop))};
    case ParallaxPath::Keyframes: return key_offset(o.keys, n > 1 ? float(index) / float(n - 1) : 0.0f);
  }
  return {};
}

void parallax_view_size(const ParallaxOptions& o, int photo_width, int photo_height, int* width, int* height) {
  int w = o.width, h = o.height;
  if (w <= 0 || h <= 0) {
    const double scale = double(o.long_side) / double(std::max(photo_width, photo_height));
    w = int(std::lround(photo_width * scale)), h = int(std::lround(photo_height * scale));
    w = std::max(2, w & ~1), h = std::max(2, h & ~1);
  }
  *width = w, *height = h;
}

void check_parallax_options(const ParallaxOptions& o, int photo_width, int photo_height) {
  if (!within(o.seconds, 0.05f, 600.0f) || !within(o.fps, 1.0f, 120.0f))
    throw std::invalid_argument("parallax: the length must be 0.05..600 s and the frame rate 1..120 frames/s");
  if (!within(o.amplitude, 0.0f, 0.5f) || !within(o.dolly, 0.0f, 0.9f) || !within(o.focus, 0.0f, 1.0f))
    throw std::invalid_argument("parallax: the amplitude must be within 0..0.5 photo widths, the dolly within 0..0.9 "
                                "of the distance and the focus a depth 0..1");
  if (o.path == ParallaxPath::Keyframes) check_keys(o.keys);
  if (photo_width <= 0 || photo_height <= 0) throw std::invalid_argument("parallax: the photo is empty");
  if ((o.width > 0) != (o.height > 0) || o.width < 0 || o.height < 0 || o.long_side < 2)
    throw std::invalid_argument("parallax: give both the width and the height, or neither");
  int w = 0, h = 0;
  parallax_view_size(o, photo_width, photo_height, &w, &h);
  const int out_w = o.stereo ? 2 * w : w;
  if (out_w > kMaxParallaxSide || h > kMaxParallaxSide || w < 16 || h < 16)
    throw std::invalid_argument("parallax: a " + std::to_string(out_w) + " x " + std::to_string(h) +
                                " video is " + (w < 16 || h < 16 ? "under 16 pixels" : "over 8K (7680 pixels)") +
                                "; choose a size within 16..7680");
  if (!within(o.eyes.eye_distance, -0.5f, 0.5f)) throw std::invalid_argument("parallax: the eye distance must be within ±0.5");
}

ParallaxRenderer::ParallaxRenderer(const LayeredDepth& layers, const ParallaxOptions& o)
    : options_(o), frames_(parallax_frame_count(o)), fps_(o.fps), stereo_(o.stereo) {
  const depth::Image& photo = layers.foreground.color;
  depth::validate(photo, "parallax");
  check_parallax_options(o, photo.width, photo.height);
  parallax_view_size(o, photo.width, photo.height, &width_, &height_);
  aspect_ = float(photo.height) / float(photo.width);

  const LayeredGrid grid = layered_grid(layers, o.mesh_side);
  meshes_.push_back(grid_raster_mesh(grid.foreground_depth, grid.pixel_x, grid.pixel_y, photo, grid.foreground,
                                     o.view.depth_scale));
  if (layers.layer_count() == 2)
    meshes_.push_back(grid_raster_mesh(grid.background_depth, grid.pixel_x, grid.pixel_y, layers.background.color,
                                       grid.background, o.view.depth_scale, 1e-3f));

  // The window at the focus plane: as large as the farthest plane (depth 0) covers from every
  // camera position, so the photo's border never shows; then the view's aspect inside it.
  const float zf = o.focus * o.view.depth_scale, half_eyes = stereo_ ? 0.5f * std::abs(eye_separation(o)) : 0.0f;
  float half_w = 0.5f, half_h = 0.5f * aspect_;
  for (int i = 0; i < frames_; ++i) {
    const glm::vec3 c = camera_offset(o, i);
    const float d = o.view.view_distance * (1.0f - c.z), k = zf / d;
    half_w = std::min(half_w, (0.5f - (std::abs(c.x) + half_eyes) * k) / (1.0f + k));
    half_h = std::min(half_h, (0.5f * aspect_ - std::abs(c.y) * k) / (1.0f + k));
  }
  window_ = std::max(0.05f, std::min(half_w, half_h * float(width_) / float(height_)));
}

depth::Image ParallaxRenderer::view(glm::vec3 c) const {
  const float zf = options_.focus * options_.view.depth_scale;
  const float d = options_.view.view_distance * (1.0f - c.z);
  const glm::vec3 eye(c.x, c.y, zf + d);
  const float half_w = window_, half_h = window_ * float(height_) / float(width_), n = kNear / d;
  // An off-axis frustum through the fixed window: the focus plane keeps its place on screen.
  const glm::mat4 vp = glm::frustum((-half_w - c.x) * n, (half_w - c.x) * n, (-half_h - c.y) * n,
                                    (half_h - c.y) * n, kNear, kFar) *
                       glm::translate(glm::mat4(1.0f), -eye);
  RasterFrame frame(width_, height_);
  std::vector<const RasterMesh*> meshes;
  for (const RasterMesh& m : meshes_) meshes.push_back(&m);
  rasterise_all(meshes, vp, frame, options_.threads);
  depth::Image image = shade(frame, meshes);
  std::vector<float> nearness(frame.z.size());
  for (size_t i = 0; i < nearness.size(); ++i) nearness[i] = -frame.z[i];
  fill_holes_from_behind(image, nearness);
  return image;
}

depth::Image ParallaxRenderer::frame(int index) const {
  if (index < 0 || index >= frames_)
    throw std::out_of_range("parallax frame " + std::to_string(index) + " of " + std::to_string(frames_));
  const glm::vec3 c = camera_offset(options_, index);
  if (!stereo_) return view(c);
  const glm::vec3 half_eyes(0.5f * eye_separation(options_), 0.0f, 0.0f);
  return compose_stereo({view(c - half_eyes), view(c + half_eyes)}, StereoLayout::SideBySide);
}

}  // namespace dv::scene
