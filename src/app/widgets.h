// ImGui helpers that keep a panel's content inside its width however narrow the panel (a phone's
// sheet with touch-sized widgets): rows that wrap, checkbox labels that wrap, progress bars that
// leave room for their button.
#pragma once

#include <imgui.h>

namespace dv::app::widgets {

// A line of secondary text that wraps rather than running past the panel's edge.
inline void disabled_text_wrapped(const char* text) {
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextWrapped("%s", text);
  ImGui::PopStyleColor();
}

// Before the next item of a row, `width` wide: on the same line when it still fits, else below.
inline void flow_same_line(float width) {
  ImGui::SameLine();
  if (ImGui::GetContentRegionAvail().x < width) ImGui::NewLine();
}

inline float button_width(const char* label) {
  return ImGui::CalcTextSize(label, nullptr, true).x + 2 * ImGui::GetStyle().FramePadding.x;
}
inline float checkbox_width(const char* label) {
  return ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize(label, nullptr, true).x;
}

// A button that follows the previous item on its line when it fits.
inline bool flow_button(const char* label) {
  flow_same_line(button_width(label));
  return ImGui::Button(label);
}

// A checkbox whose label wraps below the panel's width (the box stays the touch target).
inline bool checkbox(const char* label, bool* value) {
  if (checkbox_width(label) <= ImGui::GetContentRegionAvail().x) return ImGui::Checkbox(label, value);
  ImGui::PushID(label);
  const bool changed = ImGui::Checkbox("##box", value);
  ImGui::PopID();
  ImGui::SameLine(0, ImGui::GetStyle().ItemInnerSpacing.x);
  ImGui::AlignTextToFramePadding();
  ImGui::TextWrapped("%s", label);
  return changed;
}

// A checkbox that follows the previous item on its line when it fits.
inline bool flow_checkbox(const char* label, bool* value) {
  flow_same_line(checkbox_width(label));
  return checkbox(label, value);
}

// The width a progress bar leaves for a button after it on the same line.
inline float width_leaving(const char* button_label) {
  return -(button_width(button_label) + ImGui::GetStyle().ItemSpacing.x);
}

}  // namespace dv::app::widgets
