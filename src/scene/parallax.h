// Parallax animations of a 3D photo: the camera moves in front of the layered relief on a path
// (circle, swing, dolly zoom, or keyframes) while the plane at the focus depth stays where it is
// on screen, so nearer things slide one way and farther ones the other, and the background layer
// shows what the foreground uncovers. Frames are drawn by the CPU rasteriser (scene/rasterizer.h),
// so the CLI, the viewer and the page make the same pictures.
#pragma once

#include <string>
#include <vector>

#include <glm/glm.hpp>

#include "scene/layered_depth.h"
#include "scene/rasterizer.h"
#include "scene/stereo_views.h"

namespace dv::scene {

enum class ParallaxPath { Circle, Swing, DollyZoom, Keyframes };

// Where the camera is at `t` (0..1 of the animation): sideways x and up y in photo widths; z
// toward the photo as a share of its distance (0.5: half way).
struct CameraKey {
  float t = 0, x = 0, y = 0, z = 0;
};

struct ParallaxOptions {
  ParallaxPath path = ParallaxPath::Circle;
  float seconds = 4.0f, fps = 30.0f;
  int width = 0, height = 0;   // of one view; 0 x 0: the photo's aspect, longer side `long_side`
  int long_side = 1280;
  float amplitude = 0.15f;     // circle radius / swing half width, photo widths
  float dolly = 0.5f;          // dolly zoom: how far toward the photo, share of the distance
  float focus = 0.5f;          // the depth that stays still on screen
  std::vector<CameraKey> keys; // the Keyframes path: t ascending
  bool stereo = false;         // side by side: left | right eye, each width x height
  StereoOptions eyes;          // eye_distance of the stereo frames
  int mesh_side = 512;         // grid vertices along the longer side
  int threads = 2;
  ViewGeometry view;           // depth_scale and distance of the relief (the viewer's)
};

// Exports over this many pixels wide or tall (8K UHD) are refused.
constexpr int kMaxParallaxSide = 7680;

ParallaxPath parse_parallax_path(const std::string& name);  // circle, swing, dolly-zoom, keyframes
const char* parallax_path_name(ParallaxPath path);
// "t:x,y,z;t:x,y,z;..." (z may be left out; keys apart by ';' or spaces). Throws std::invalid_argument with the bad key.
std::vector<CameraKey> parse_camera_keys(const std::string& text);

// Frames of the animation: seconds x fps, rounded (at least 1).
int parallax_frame_count(const ParallaxOptions& options);
// The camera offset (x, y, z as CameraKey's) at frame `index`. The looping paths end where they
// start; keyframes reach the last key on the last frame (smoothstep between keys).
glm::vec3 camera_offset(const ParallaxOptions& options, int index);

// The size of one view for a photo: options' width x height, or the photo's aspect with the longer
// side long_side (even numbers, for 4:2:0 video). Throws std::invalid_argument, giving the size,
// for an output (both eyes when stereo) over kMaxParallaxSide, and for options out of range:
// callers check before the slow steps.
void parallax_view_size(const ParallaxOptions& options, int photo_width, int photo_height, int* width, int* height);
void check_parallax_options(const ParallaxOptions& options, int photo_width, int photo_height);

class ParallaxRenderer {
 public:
  // Validates (check_parallax_options) and builds the layers' meshes once.
  ParallaxRenderer(const LayeredDepth& layers, const ParallaxOptions& options);
  int frame_count() const { return frames_; }
  int width() const { return stereo_ ? 2 * width_ : width_; }  // of a frame (both eyes when stereo)
  int height() const { return height_; }
  float fps() const { return fps_; }
  // Frame `index` (0 .. frame_count()-1), RGB, width() x height().
  depth::Image frame(int index) const;

 private:
  depth::Image view(glm::vec3 offset) const;

  ParallaxOptions options_;
  std::vector<RasterMesh> meshes_;
  int frames_ = 0, width_ = 0, height_ = 0;
  float fps_ = 30.0f, window_ = 0.5f, aspect_ = 1.0f;  // half width of the window at the focus plane
  bool stereo_ = false;
};

}  // namespace dv::scene
