#include "app/layout.h"

#include <algorithm>

namespace dv::app {

bool Rect::overlaps(const Rect& o) const {
  return area() > 0 && o.area() > 0 && x < o.right() && o.x < right() && y < o.bottom() && o.y < bottom();
}

const char* to_string(LayoutMode mode) {
  switch (mode) {
    case LayoutMode::wide: return "wide";
    case LayoutMode::portrait: return "portrait";
    case LayoutMode::landscape: return "landscape";
  }
  return "wide";
}

namespace {

Layout wide_layout(const LayoutInput& in) {
  const float s = in.scale, m = kMargin * s, t = in.text_scale;
  Layout l;
  l.mode = LayoutMode::wide;
  l.controls = {m, m, kControlsWidth * t * s, in.height - 2 * m};
  l.depth = {in.width - (kDepthWidth * t * s + m), m, kDepthWidth * t * s, in.height - 2 * m};
  l.view = {0, 0, in.width, in.height};
  return l;
}

// The sheet's thickness across the display's `extent` (its height in portrait, width in landscape).
float sheet_extent(float extent, float scale) {
  return std::min(std::max(kSheetShare * extent, kSheetMinCss * scale), kSheetMaxShare * extent);
}

Layout compact_layout(const LayoutInput& in) {
  Layout l;
  l.mode = in.height >= in.width ? LayoutMode::portrait : LayoutMode::landscape;
  l.view = {0, 0, in.width, in.height};
  if (!in.sheet_open) {
    // The button sits in the corner the sheet comes from.
    const float m = kMargin * in.scale;
    l.button = {in.width - in.button_w - m, in.height - in.button_h - m, in.button_w, in.button_h};
    return l;
  }
  if (l.mode == LayoutMode::portrait) {
    const float h = sheet_extent(in.height, in.scale);
    l.sheet = {0, in.height - h, in.width, h};
    l.view.h = in.height - h;
  } else {
    const float w = sheet_extent(in.width, in.scale);
    l.sheet = {in.width - w, 0, w, in.height};
    l.view.w = in.width - w;
  }
  return l;
}

}  // namespace

Layout compute_layout(const LayoutInput& in) {
  const float css_w = in.width / in.scale, css_h = in.height / in.scale;
  const float windows_css = (kControlsWidth + kDepthWidth) * in.text_scale + 3 * kMargin;
  const bool wide = css_w >= windows_css + kWideMinView && css_h >= kWideMinHeight;
  return wide ? wide_layout(in) : compact_layout(in);
}

}  // namespace dv::app
