// Touch on the 3D view: one finger orbits, two fingers pinch to zoom and move together to pan, a
// double tap resets the view. A gesture belongs to the 3D view only when its first finger lands
// there (not on a panel). Pure logic, fed by the page's touch events (web/touch.js) and tested
// without a browser; framebuffer pixels, milliseconds.
#pragma once

#include <functional>
#include <vector>

namespace dv::app {

struct TouchPoint {
  int id = 0;
  float x = 0, y = 0;
};

// What the camera should do, summed since the last take_motion().
struct CameraMotion {
  float orbit_dx = 0, orbit_dy = 0;  // pixels, as a mouse drag
  float zoom = 1;                    // distance factor (< 1: closer)
  float pan_dx = 0, pan_dy = 0;      // pixels, as a right-button drag
  bool reset = false;
};

class TouchGestures {
 public:
  // The fingers on the screen now (empty: the last one lifted), at `time_ms`; `scale` is pixels per
  // CSS pixel; `on_view(x, y)` says whether a first finger landing at x, y lands on the 3D view.
  void update(const std::vector<TouchPoint>& touches, double time_ms, float scale,
              const std::function<bool(float, float)>& on_view);
  CameraMotion take_motion();
  // A gesture of the 3D view is under way (the browser's emulated mouse must not move the camera too).
  bool active() const { return owned_ && !previous_.empty(); }
  bool seen_since(double time_ms) const { return last_event_ms_ >= time_ms; }

  static constexpr double kTapMs = 300, kDoubleTapMs = 350;  // a tap's longest press; between two taps
  static constexpr float kTapSlopCss = 12, kDoubleTapSlopCss = 40;

 private:
  void move(const std::vector<TouchPoint>& now);
  void end_gesture(double time_ms, float scale);

  std::vector<TouchPoint> previous_;
  CameraMotion motion_;
  bool owned_ = false, several_ = false;  // on the 3D view; more than one finger at some point
  float travel_ = 0;                      // how far the first finger moved (pixels)
  double down_ms_ = 0, last_event_ms_ = -1e9;
  TouchPoint down_;
  bool tapped_ = false;                   // the last gesture was a tap on the view...
  double tap_ms_ = 0;                     // ...which ended then, there
  TouchPoint tap_;
};

}  // namespace dv::app
