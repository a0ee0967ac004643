// Where the viewer's panels go on a display. On a wide screen the controls float on the left and
// the depth window on the right, over the 3D view. On a narrow or portrait one (phones, small
// tablets) there is one panel: a sheet with tabs (controls | depth) along the bottom in portrait
// or the right side in landscape, which can be closed to a button; the 3D view gets the rest.
// Panels never cover each other. Pure geometry, in framebuffer pixels; thresholds in CSS pixels.
#pragma once

namespace dv::app {

struct Rect {
  float x = 0, y = 0, w = 0, h = 0;
  float right() const { return x + w; }
  float bottom() const { return y + h; }
  float area() const { return w > 0 && h > 0 ? w * h : 0.0f; }
  bool contains(float px, float py) const { return px >= x && px < right() && py >= y && py < bottom(); }
  bool overlaps(const Rect& o) const;  // the interiors meet
};

enum class LayoutMode { wide, portrait, landscape };
const char* to_string(LayoutMode mode);

struct LayoutInput {
  float width = 0, height = 0;  // the display
  float scale = 1;              // framebuffer pixels per CSS pixel (the device's pixel ratio)
  float text_scale = 1;         // the font's size over the desktop's 13 CSS px (touch screens: larger)
  bool sheet_open = true;       // compact layouts: the sheet is shown, else only its button
  float button_w = 0, button_h = 0;  // compact: the size of the button that opens the sheet
};

struct Layout {
  LayoutMode mode = LayoutMode::wide;
  Rect controls, depth;  // wide: where the two windows go (their height: the most they may grow to)
  Rect sheet;            // compact: the open sheet (empty when closed)
  Rect button;           // compact, closed: the button that opens the sheet
  Rect view;             // where the 3D view is drawn
};

// CSS pixels: a display is compact when the two windows and kWideMinView of 3D view between them
// do not fit across it (930 px at text_scale 1; web/index.html's media queries follow), or it is
// lower than kWideMinHeight.
constexpr float kWideMinHeight = 480, kWideMinView = 200;
constexpr float kMargin = 10;                        // wide: between the windows and the edges
constexpr float kControlsWidth = 340, kDepthWidth = 360;  // at text_scale 1
// Compact: the sheet's share of the height (portrait) or width (landscape), and its least size.
constexpr float kSheetShare = 0.32f, kSheetMinCss = 300, kSheetMaxShare = 0.38f;

Layout compute_layout(const LayoutInput& in);

}  // namespace dv::app
