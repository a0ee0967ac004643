#include "app/camera.h"

#include <algorithm>
#include <cmath>

#include <glm/gtc/matrix_transform.hpp>

namespace dv::app {

void OrbitCamera::orbit(float dx, float dy) {
  yaw -= dx * 0.008f;
  pitch = std::clamp(pitch - dy * 0.008f, -1.45f, 1.45f);  // never flip over the poles
}

void OrbitCamera::zoom(float steps) { zoom_by(std::pow(0.88f, steps)); }

void OrbitCamera::zoom_by(float factor) { distance = std::clamp(distance * factor, 0.3f, 8.0f); }

void OrbitCamera::fit(float photo_aspect, float view_aspect) {
  reset();
  constexpr float kMargin = 1.15f;  // the relief's near parts come closer than the photo plane
  const float half_tan = std::tan(fov_y / 2.0f);
  const float for_height = photo_aspect / 2.0f / half_tan, for_width = 0.5f / (half_tan * std::max(0.1f, view_aspect));
  distance = std::clamp(std::max(distance, kMargin * std::max(for_height, for_width)), 0.3f, 8.0f);
}

void OrbitCamera::pan_by(float dx, float dy, float viewport_height) {
  // One pixel moves the target by the size of a pixel at the target's distance.
  const float world_per_pixel = 2.0f * distance * std::tan(fov_y / 2.0f) / std::max(1.0f, viewport_height);
  const glm::vec3 right(std::cos(yaw), 0.0f, -std::sin(yaw));
  pan.x -= dx * world_per_pixel * right.x;
  pan.y += dy * world_per_pixel;
}

glm::mat4 OrbitCamera::view_projection(float aspect) const {
  const glm::vec3 target(pan, 0.0f);
  const glm::vec3 eye =
      target + distance * glm::vec3(std::sin(yaw) * std::cos(pitch), std::sin(pitch), std::cos(yaw) * std::cos(pitch));
  const glm::mat4 view = glm::lookAt(eye, target, glm::vec3(0.0f, 1.0f, 0.0f));
  return glm::perspective(fov_y, std::max(0.1f, aspect), 0.02f, 50.0f) * view;
}

}  // namespace dv::app
