#include "app/touch_gestures.h"

#include <cmath>

namespace dv::app {

namespace {
float distance(const TouchPoint& a, const TouchPoint& b) { return std::hypot(a.x - b.x, a.y - b.y); }
bool same_fingers(const std::vector<TouchPoint>& a, const std::vector<TouchPoint>& b, size_t n) {
  if (a.size() < n || b.size() < n) return false;
  for (size_t i = 0; i < n; ++i)
    if (a[i].id != b[i].id) return false;
  return true;
}
}  // namespace

void TouchGestures::update(const std::vector<TouchPoint>& touches, double time_ms, float scale,
                           const std::function<bool(float, float)>& on_view) {
  last_event_ms_ = time_ms;
  if (previous_.empty() && !touches.empty()) {  // a new gesture
    owned_ = on_view(touches[0].x, touches[0].y);
    several_ = touches.size() > 1;
    travel_ = 0;
    down_ms_ = time_ms;
    down_ = touches[0];
  } else if (owned_) {
    move(touches);
  }
  several_ |= touches.size() > 1;
  if (touches.empty() && !previous_.empty()) end_gesture(time_ms, scale);
  previous_ = touches;
}

// Motion between two updates with the same fingers; a finger more or less starts afresh.
void TouchGestures::move(const std::vector<TouchPoint>& now) {
  if (now.size() == 1 && same_fingers(now, previous_, 1) && previous_.size() == 1) {
    const float dx = now[0].x - previous_[0].x, dy = now[0].y - previous_[0].y;
    motion_.orbit_dx += dx;
    motion_.orbit_dy += dy;
    travel_ += std::hypot(dx, dy);
  } else if (now.size() >= 2 && same_fingers(now, previous_, 2)) {
    const float before = distance(previous_[0], previous_[1]), after = distance(now[0], now[1]);
    if (before > 1 && after > 1) motion_.zoom *= before / after;  // spreading the fingers comes closer
    motion_.pan_dx += (now[0].x + now[1].x - previous_[0].x - previous_[1].x) / 2;
    motion_.pan_dy += (now[0].y + now[1].y - previous_[0].y - previous_[1].y) / 2;
  }
}

void TouchGestures::end_gesture(double time_ms, float scale) {
  const bool tap = owned_ && !several_ && time_ms - down_ms_ <= kTapMs && travel_ <= kTapSlopCss * scale;
  if (!tap) {
    tapped_ = false;
    return;
  }
  if (tapped_ && down_ms_ - tap_ms_ <= kDoubleTapMs && distance(down_, tap_) <= kDoubleTapSlopCss * scale) {
    motion_.reset = true;
    tapped_ = false;
    return;
  }
  tapped_ = true;
  tap_ms_ = time_ms;
  tap_ = down_;
}

CameraMotion TouchGestures::take_motion() {
  CameraMotion m = motion_;
  motion_ = CameraMotion{};
  return m;
}

}  // namespace dv::app
