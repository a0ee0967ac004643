// The viewer's logic without a window: where the panels go on phones, tablets and desktops (never
// over each other, the 3D view keeps most of the screen), touch gestures on the 3D view, and the
// model setup for a device's memory with its steps down after a failed allocation.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "app/layout.h"
#include "app/model_setup.h"
#include "app/touch_gestures.h"
#include "depth/model_catalog.h"

using namespace dv::app;

namespace {

// A display of css_w x css_h CSS pixels at a pixel ratio, as the page reports it.
Layout layout_for(float css_w, float css_h, float ratio, bool open = true, float text_scale = 1) {
  LayoutInput in;
  in.width = css_w * ratio;
  in.height = css_h * ratio;
  in.scale = ratio;
  in.text_scale = text_scale;
  in.sheet_open = open;
  in.button_w = 120 * ratio;
  in.button_h = 44 * ratio;
  return compute_layout(in);
}

float view_share(const Layout& l, float w, float h) { return l.view.area() / (w * h); }

}  // namespace

TEST_CASE("layout: a desktop window keeps the two windows apart at the sides") {
  const Layout l = layout_for(1280, 800, 1);
  CHECK(l.mode == LayoutMode::wide);
  CHECK_FALSE(l.controls.overlaps(l.depth));
  CHECK(l.controls.x >= 0);
  CHECK(l.depth.right() <= 1280);
  CHECK(l.controls.bottom() <= 800);
  CHECK(l.view.area() == doctest::Approx(1280.0 * 800.0));
  // The same at a pixel ratio of 2: every size doubles.
  const Layout hi = layout_for(1280, 800, 2);
  CHECK(hi.controls.w == doctest::Approx(2 * l.controls.w));
  CHECK(hi.depth.x == doctest::Approx(2 * l.depth.x));
}

TEST_CASE("layout: phones and small tablets get one sheet, the 3D view at least 60 % of the screen") {
  struct Screen { float w, h, ratio; LayoutMode mode; };
  const std::vector<Screen> screens = {{412, 839, 2.625f, LayoutMode::portrait},   // Pixel 7
                                       {839, 412, 2.625f, LayoutMode::landscape},  // Pixel 7 turned
                                       {768, 1024, 2, LayoutMode::portrait},       // iPad Mini
                                       {375, 667, 2, LayoutMode::portrait},        // iPhone SE
                                       {1280, 400, 1, LayoutMode::landscape}};     // a short desktop window
  for (const Screen& s : screens) {
    CAPTURE(s.w);
    CAPTURE(s.h);
    const Layout l = layout_for(s.w, s.h, s.ratio);
    CHECK(l.mode == s.mode);
    CHECK(l.sheet.area() > 0);
    CHECK_FALSE(l.sheet.overlaps(l.view));
    CHECK(view_share(l, s.w * s.ratio, s.h * s.ratio) >= 0.6f);
    CHECK(l.sheet.x >= 0);
    CHECK(l.sheet.right() <= s.w * s.ratio + 0.5f);
    CHECK(l.sheet.bottom() <= s.h * s.ratio + 0.5f);
    // Thick enough for the controls: at least 300 CSS px, or the most the share allows.
    const float thickness = (s.mode == LayoutMode::portrait ? l.sheet.h : l.sheet.w) / s.ratio;
    CHECK(thickness >= std::min(kSheetMinCss, kSheetMaxShare * (s.mode == LayoutMode::portrait ? s.h : s.w)) - 0.5f);
    // Closed: the whole screen is the 3D view, with the button in a corner.
    const Layout closed = layout_for(s.w, s.h, s.ratio, false);
    CHECK(closed.sheet.area() == 0);
    CHECK(closed.view.area() == doctest::Approx(s.w * s.h * s.ratio * s.ratio));
    CHECK(closed.button.right() <= s.w * s.ratio);
    CHECK(closed.button.bottom() <= s.h * s.ratio);
    CHECK(closed.button.area() > 0);
  }
}

TEST_CASE("layout: larger touch text needs a wider screen for the side windows") {
  CHECK(layout_for(1024, 768, 2).mode == LayoutMode::wide);
  CHECK(layout_for(1024, 768, 2, true, 16.0f / 13.0f).mode == LayoutMode::landscape);
  const Layout big = layout_for(1366, 1024, 2, true, 16.0f / 13.0f);  // iPad Pro 12.9 landscape
  CHECK(big.mode == LayoutMode::wide);
  CHECK_FALSE(big.controls.overlaps(big.depth));
}

TEST_CASE("rect overlap") {
  const Rect a{0, 0, 10, 10};
  CHECK(a.overlaps({5, 5, 10, 10}));
  CHECK_FALSE(a.overlaps({10, 0, 5, 5}));  // touching edges only
  CHECK_FALSE(a.overlaps({0, 0, 0, 0}));
  CHECK(a.contains(9.5f, 0));
  CHECK_FALSE(a.contains(10, 0));
}

namespace {

// Feeds one touch update; every finger lands on the 3D view unless `on_view` says otherwise.
void feed(TouchGestures& g, std::vector<TouchPoint> touches, double ms, bool on_view = true) {
  g.update(touches, ms, 2.0f, [&](float, float) { return on_view; });
}

}  // namespace

TEST_CASE("touch: one finger orbits like a mouse drag") {
  TouchGestures g;
  feed(g, {{1, 100, 100}}, 0);
  CHECK(g.active());
  feed(g, {{1, 130, 90}}, 16);
  feed(g, {{1, 160, 80}}, 32);
  feed(g, {}, 48);
  CHECK_FALSE(g.active());
  const CameraMotion m = g.take_motion();
  CHECK(m.orbit_dx == doctest::Approx(60));
  CHECK(m.orbit_dy == doctest::Approx(-20));
  CHECK(m.zoom == doctest::Approx(1));
  CHECK_FALSE(m.reset);
  CHECK(g.take_motion().orbit_dx == 0);  // taken
}

TEST_CASE("touch: two fingers pinch to zoom and move together to pan, without orbiting") {
  TouchGestures g;
  feed(g, {{1, 100, 200}}, 0);
  feed(g, {{1, 100, 200}, {2, 300, 200}}, 10);  // the second finger: no motion yet
  feed(g, {{1, 50, 200}, {2, 350, 200}}, 20);   // spread from 200 to 300 px: closer by 2/3
  CameraMotion m = g.take_motion();
  CHECK(m.zoom == doctest::Approx(200.0 / 300.0));
  CHECK(m.orbit_dx == 0);
  CHECK(m.pan_dx == doctest::Approx(0));
  feed(g, {{1, 70, 240}, {2, 370, 240}}, 30);   // both move by (20, 40)
  m = g.take_motion();
  CHECK(m.pan_dx == doctest::Approx(20));
  CHECK(m.pan_dy == doctest::Approx(40));
  CHECK(m.zoom == doctest::Approx(1));
  feed(g, {{2, 370, 240}}, 40);                 // one lifts: the other starts afresh
  feed(g, {{2, 390, 240}}, 50);
  CHECK(g.take_motion().orbit_dx == doctest::Approx(20));
  feed(g, {}, 60);
  CHECK_FALSE(g.take_motion().reset);           // a pinch is not a tap
}

TEST_CASE("touch: a double tap resets the view; slow, far or moving taps do not") {
  TouchGestures g;
  feed(g, {{1, 200, 200}}, 0);
  feed(g, {}, 80);
  feed(g, {{2, 210, 205}}, 250);
  feed(g, {}, 320);
  CHECK(g.take_motion().reset);

  feed(g, {{3, 200, 200}}, 1000);
  feed(g, {}, 1080);
  feed(g, {{4, 200, 200}}, 1600);  // too late
  feed(g, {}, 1650);
  CHECK_FALSE(g.take_motion().reset);

  feed(g, {{5, 200, 200}}, 3000);
  feed(g, {}, 3050);
  feed(g, {{6, 400, 200}}, 3200);  // too far (100 CSS px at ratio 2)
  feed(g, {}, 3250);
  CHECK_FALSE(g.take_motion().reset);

  feed(g, {{7, 200, 200}}, 5000);
  feed(g, {{7, 260, 200}}, 5040);  // a drag, not a tap
  feed(g, {}, 5080);
  feed(g, {{8, 260, 200}}, 5200);
  feed(g, {}, 5250);
  CHECK_FALSE(g.take_motion().reset);
}

TEST_CASE("touch: a gesture that starts on a panel leaves the camera alone") {
  TouchGestures g;
  feed(g, {{1, 100, 700}}, 0, false);
  CHECK_FALSE(g.active());
  feed(g, {{1, 100, 500}}, 16, true);  // dragging out of the panel changes nothing
  feed(g, {{1, 100, 300}, {2, 300, 300}}, 32, true);
  feed(g, {{1, 50, 300}, {2, 350, 300}}, 48, true);
  feed(g, {}, 64);
  const CameraMotion m = g.take_motion();
  CHECK(m.orbit_dy == 0);
  CHECK(m.zoom == doctest::Approx(1));
  CHECK(g.seen_since(60));
}

TEST_CASE("model setup by memory, and the steps down after a failed allocation") {
  const dv::depth::ModelCatalog catalog(DV_TESTS_DIR "/../models/models.json", {}, "web");
  const dv::depth::ModelInfo* dav2 = catalog.find("depth-anything-v2-small");
  REQUIRE(dav2 != nullptr);
  REQUIRE(dav2->low_memory_variants == std::vector<std::string>{"quantized"});
  CHECK(setup_for_memory(*dav2, 0) == ModelSetup{});   // unknown: a desktop
  CHECK(setup_for_memory(*dav2, 8) == ModelSetup{});
  CHECK(setup_for_memory(*dav2, 4) == ModelSetup{"quantized", 0});
  CHECK(setup_for_memory(*dav2, 2) == ModelSetup{"quantized", 392});
  CHECK(setup_for_memory(*dav2, 1) == ModelSetup{"quantized", 308});
  CHECK(setup_for_memory(*dav2, 0.5) == ModelSetup{"quantized", 308});

  // fp16 at 518 -> quantized at 518 -> 392 -> 308 -> 252 -> nothing left.
  std::vector<std::string> steps;
  std::optional<ModelSetup> s = ModelSetup{};
  while ((s = smaller_setup(*dav2, *s))) steps.push_back(describe(*dav2, *s));
  CHECK(steps == std::vector<std::string>{"quantized at 518 px", "quantized at 392 px", "quantized at 308 px",
                                          "quantized at 252 px"});
  CHECK(describe(*dav2, {}) == "fp16 at 518 px");
  // A size the user chose between two steps goes to the next smaller one.
  CHECK(smaller_setup(*dav2, {"quantized", 350}) == ModelSetup{"quantized", 308});

  // A fixed-size model with one file has nothing smaller.
  const dv::depth::ModelInfo* midas = catalog.find("midas-v21-small");
  REQUIRE(midas != nullptr);
  CHECK(setup_for_memory(*midas, 1) == ModelSetup{});
  CHECK_FALSE(smaller_setup(*midas, {}).has_value());
}

TEST_CASE("model setup: a lean variant that cannot be had is skipped for a smaller size") {
  const dv::depth::ModelCatalog catalog(DV_TESTS_DIR "/../models/models.json", {}, "web");
  const dv::depth::ModelInfo* dav2 = catalog.find("depth-anything-v2-small");
  REQUIRE(dav2 != nullptr);
  const auto none = [](const std::string&) { return false; };
  CHECK(smaller_setup(*dav2, {"fp16", 0}, none) == ModelSetup{"fp16", 392});
  CHECK(smaller_setup(*dav2, {"fp16", 252}, none) == std::nullopt);
}
