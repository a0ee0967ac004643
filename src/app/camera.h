// Orbit camera around the relief: drag to orbit, wheel to zoom, right-drag to pan.
#pragma once

#include <glm/glm.hpp>

namespace dv::app {

struct OrbitCamera {
  float yaw = 0.0f, pitch = 0.0f;   // radians; 0, 0 = looking at the photo head-on
  float distance = 1.6f;            // from the target, in photo widths
  glm::vec2 pan{0.0f};              // target offset in the photo plane
  float fov_y = glm::radians(40.0f);

  void reset() { *this = OrbitCamera{}; }
  // Head-on, far enough that a photo `photo_aspect` (height / width) tall fits a view of
  // `view_aspect` (width / height) with a margin; never closer than the default distance.
  void fit(float photo_aspect, float view_aspect);
  void orbit(float dx_pixels, float dy_pixels);       // mouse motion in framebuffer pixels
  void zoom(float wheel_steps);                       // > 0 zooms in
  void zoom_by(float factor);                         // the distance times factor (a pinch)
  void pan_by(float dx_pixels, float dy_pixels, float viewport_height);
  glm::mat4 view_projection(float aspect) const;      // aspect = framebuffer width / height
};

}  // namespace dv::app
