// The panels where app/layout.h puts them: two windows at the sides on a wide screen, one sheet
// with tabs on a narrow or portrait one; the 3D view in what is left; and touch on the 3D view.
#include <algorithm>

#include <imgui.h>
#include <imgui_internal.h>  // the windows' content sizes (text clipped at a panel's edge)
#include <nlohmann/json.hpp>

#include "app/app.h"
#include "app/clock.h"

namespace dv::app {

namespace {

constexpr ImGuiWindowFlags kSheetFlags = ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoMove |
                                         ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
                                         ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoSavedSettings;
constexpr const char* kOpenSheet = "Controls & depth";


bool same_rect(const Rect& a, const Rect& b) { return a.x == b.x && a.y == b.y && a.w == b.w && a.h == b.h; }

// A compact layout's window: exactly where the layout puts it, every frame.
void place_next_window(const Rect& r) {
  ImGui::SetNextWindowPos(ImVec2(r.x, r.y));
  ImGui::SetNextWindowSize(ImVec2(r.w, r.h));
}

// Touch screens have no scroll wheel: a finger dragged over a panel's empty space scrolls it.
void drag_to_scroll() {
  if (!ImGui::IsWindowHovered() || ImGui::IsAnyItemActive() || !ImGui::IsMouseDragging(ImGuiMouseButton_Left)) return;
  ImGui::SetScrollY(ImGui::GetScrollY() - ImGui::GetIO().MouseDelta.y);
}

}  // namespace

void App::update_layout() {
  const ImGuiIO& io = ImGui::GetIO();
  const ImGuiStyle& style = ImGui::GetStyle();
  LayoutInput in;
  in.width = io.DisplaySize.x;
  in.height = io.DisplaySize.y;
  in.scale = ui_scale_;
  in.text_scale = text_scale();
  in.sheet_open = sheet_open_;
  in.button_w = ImGui::CalcTextSize(kOpenSheet).x + 2 * (style.FramePadding.x + style.WindowPadding.x);
  in.button_h = ImGui::GetFrameHeight() + 2 * style.WindowPadding.y;
  layout_ = compute_layout(in);
  // The wide layout places its windows once per display size; the user may move them after.
  const Rect display{0, 0, in.width, in.height};
  relayout_ = !same_rect(display, laid_out_);
  laid_out_ = display;
}

void App::draw_panels() {
  if (layout_.mode == LayoutMode::wide) {
    draw_controls_window();
    draw_depth_window();
  } else if (sheet_open_) {
    draw_sheet();
  } else {
    draw_sheet_button();
  }
}

void App::draw_controls_window() {
  const Rect& r = layout_.controls;
  ImGui::SetNextWindowPos(ImVec2(r.x, r.y), relayout_ ? ImGuiCond_Always : ImGuiCond_Appearing);
  ImGui::SetNextWindowSizeConstraints(ImVec2(r.w, 0), ImVec2(r.w, r.h));
  ImGui::Begin("depthview", nullptr, ImGuiWindowFlags_AlwaysAutoResize);
  draw_controls_body();
  ImGui::End();
}

void App::draw_depth_window() {
  if (!result_ || !depth_preview_) return;
  const Rect& r = layout_.depth;
  ImGui::SetNextWindowPos(ImVec2(r.x, r.y), relayout_ ? ImGuiCond_Always : ImGuiCond_Appearing);
  ImGui::SetNextWindowSizeConstraints(ImVec2(r.w, 0), ImVec2(r.w, r.h));
  // One window (the ### id) whose title says what the picture is.
  ImGui::Begin((std::string(depth_title()) + "###depth").c_str(), nullptr, ImGuiWindowFlags_AlwaysAutoResize);
  draw_depth_body(r.w, r.h);
  ImGui::End();
}

// Compact layouts: one panel with a tab each for the controls and the depth map, and Hide.
void App::draw_sheet() {
  place_next_window(layout_.sheet);
  ImGui::Begin("###sheet", nullptr, kSheetFlags);
  if (ImGui::BeginTabBar("tabs", ImGuiTabBarFlags_FittingPolicyScroll)) {
    const auto tab_flags = [&](int tab) { return select_tab_ && sheet_tab_ == tab ? ImGuiTabItemFlags_SetSelected : 0; };
    if (ImGui::BeginTabItem("Controls", nullptr, tab_flags(0))) {
      if (!select_tab_) sheet_tab_ = 0;
      ImGui::BeginChild("##controls");
      draw_controls_body();
      if (touch_screen_) drag_to_scroll();
      ImGui::EndChild();
      ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("Depth", nullptr, tab_flags(1))) {
      if (!select_tab_) sheet_tab_ = 1;
      ImGui::TextUnformatted(depth_title());
      const ImVec2 avail = ImGui::GetContentRegionAvail();
      ImGui::BeginChild("##depth");
      draw_depth_body(avail.x, avail.y);
      ImGui::EndChild();
      ImGui::EndTabItem();
    }
    if (ImGui::TabItemButton("Hide", ImGuiTabItemFlags_Trailing)) sheet_open_ = false;
    ImGui::EndTabBar();
  }
  select_tab_ = false;
  ImGui::End();
}

void App::draw_sheet_button() {
  place_next_window(layout_.button);
  ImGui::Begin("###open-sheet", nullptr, kSheetFlags);
  if (ImGui::Button(kOpenSheet, ImVec2(-1, -1))) sheet_open_ = true;
  ImGui::End();
}

// After ImGui::Render: the panels on screen this frame, whether anything in them runs past their
// right edge (child windows count for their panel), and the smallest frame drawn.
void App::record_windows() {
  windows_.clear();
  ImGuiContext& g = *ImGui::GetCurrentContext();
  std::vector<ImGuiWindow*> overflowing;
  for (ImGuiWindow* w : g.Windows) {
    if (!w->Active || w->Hidden || (w->Flags & (ImGuiWindowFlags_Tooltip | ImGuiWindowFlags_Popup))) continue;
    if (w->ContentSize.x > w->ContentRegionRect.GetWidth() + 1.0f) overflowing.push_back(w->RootWindow);
    if (w->Flags & ImGuiWindowFlags_ChildWindow || w->IsFallbackWindow) continue;
    windows_.push_back({w->Name, {w->Pos.x, w->Pos.y, w->Size.x, w->Size.y}, false});
  }
  for (WindowBox& box : windows_)
    for (ImGuiWindow* w : overflowing) box.overflow_x |= box.name == w->Name;
  min_target_px_ = ImGui::GetFrameHeight();
}

bool App::on_view(float x, float y) const {
  if (!layout_.view.contains(x, y)) return false;
  return std::none_of(windows_.begin(), windows_.end(), [&](const WindowBox& b) { return b.rect.contains(x, y); });
}

void App::touch_event(const std::vector<TouchPoint>& touches, double time_ms) {
  touch_clock_offset_ms_ = now_ms() - time_ms;  // the page's clock to ours, for "seen since"
  touch_.update(touches, time_ms, ui_scale_, [this](float x, float y) { return on_view(x, y); });
  note_window_event();
}

void App::reset_camera() {
  const float photo_aspect = result_ ? float(result_->photo.height) / float(std::max(1, result_->photo.width)) : 0.0f;
  const Rect& v = layout_.view;
  camera_.fit(photo_aspect, v.h > 0 ? v.w / v.h : 1.6f);  // before the first frame: a desktop's
}

void App::apply_touch_motion() {
  const CameraMotion m = touch_.take_motion();
  if (m.reset) reset_camera();
  camera_.orbit(m.orbit_dx, m.orbit_dy);
  camera_.zoom_by(m.zoom);
  camera_.pan_by(m.pan_dx, m.pan_dy, layout_.view.h);
}

nlohmann::json App::layout_json() const {
  const auto rect = [](const Rect& r) { return nlohmann::json{{"x", r.x}, {"y", r.y}, {"w", r.w}, {"h", r.h}}; };
  nlohmann::json windows = nlohmann::json::array();
  for (const WindowBox& b : windows_)
    windows.push_back({{"name", b.name}, {"rect", rect(b.rect)}, {"overflow_x", b.overflow_x}});
  const ImGuiIO& io = ImGui::GetIO();
  return {{"mode", to_string(layout_.mode)},
          {"display", {io.DisplaySize.x, io.DisplaySize.y}},
          {"scale", ui_scale_},
          {"touch", touch_screen_},
          {"sheet", layout_.mode == LayoutMode::wide ? "" : !sheet_open_ ? "closed" : sheet_tab_ == 0 ? "controls" : "depth"},
          {"view", rect(layout_.view)},
          {"windows", windows},
          {"frame_height_css", ui_scale_ > 0 ? min_target_px_ / ui_scale_ : 0.0f}};
}

}  // namespace dv::app
