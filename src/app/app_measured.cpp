// Measured depth in the viewer (see measured_depth.h): when the photo carries the camera's depth,
// or a depth file came with it, the panel says so and offers the model's depth, the measured one,
// both fused (metric, dense) and the model's error against the measurement.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include <imgui.h>
#include <nlohmann/json.hpp>

#include "app/app.h"
#include "app/widgets.h"
#include "app/platform.h"
#include "depth/colormap.h"
#include "depth/export.h"
#include "depth/pointcloud.h"
#include "depth/sensor_depth.h"
#include "depth/sensor_views.h"

namespace fs = std::filesystem;

namespace dv::app {

namespace {
constexpr const char* kViewNames[] = {"model", "measured", "fused", "error"};
constexpr float kErrorShownMax = 0.5f;  // the heat map's top colour: 50 % relative error or more
}  // namespace

bool App::showing_measured() const { return result_ && result_->frame_index < 0 && result_->measured; }

void App::set_measured_view(MeasuredView view) {
  measured_view_ = view;
  if (result_) show_result();
}

// The relief and the previews follow the chosen view; the point cloud of a metric map keeps the
// scene's proportions (its far/near ratio), the model's relative depth the default one.
void App::show_result() {
  ReliefSettings& r = settings_.relief;
  r.far_ratio = ReliefSettings{}.far_ratio;
  // The point cloud's field of view is the photo's own where its camera is known.
  if (result_->intrinsics) r.fov_degrees = float(result_->intrinsics->horizontal_fov_degrees());
  measured_shown_ = {};
  if (showing_measured() && measured_view_ != MeasuredView::model) {
    const depth::SensorViews& v = result_->measured->views;
    // The error view keeps the fused relief under the heat map.
    const depth::DepthMap& metres = measured_view_ == MeasuredView::measured ? result_->measured->sensor : v.fused.depth;
    measured_shown_ = depth::normalized_inverse_depth(metres, &measured_near_, &measured_far_);
    if (measured_near_ > 0) r.far_ratio = std::clamp(measured_far_ / measured_near_, 1.05f, 1000.0f);
  }
  relief_.set_content(result_->photo, shown_depth());
  // The layers belong to the model's depth: measured views show the cut relief of theirs.
  if (measured_shown_.values.empty()) relief_.set_layers(result_->layers);
  preview_dirty_ = true;
}

std::vector<uint8_t> App::error_heat_rgb(const depth::DepthMap& relative_error) {
  depth::DepthMap shown = relative_error;
  for (float& e : shown.values) e = std::isfinite(e) ? std::min(1.0f, e / kErrorShownMax) : 0.0f;
  std::vector<uint8_t> rgb = depth::apply_colormap(shown, depth::colormap_from_name("inferno"));
  for (size_t i = 0; i < relative_error.values.size(); ++i)
    if (!std::isfinite(relative_error.values[i])) std::fill_n(&rgb[i * 3], 3, uint8_t(40));  // not measured
  return rgb;
}

void App::draw_measured_section() {
  if (!result_ || result_->frame_index >= 0) return;
  if (!result_->measured) return;
  const MeasuredDepth& m = *result_->measured;
  if (!ImGui::CollapsingHeader("Measured depth", ImGuiTreeNodeFlags_DefaultOpen)) return;
  ImGui::TextWrapped("This photo comes with depth: %s", m.source.c_str());
  int view = int(measured_view_);
  bool changed = false;
  for (int i = 0; i < 4; ++i) {
    if (i > 0) widgets::flow_same_line(widgets::checkbox_width(kViewNames[i]));
    changed |= ImGui::RadioButton(kViewNames[i], &view, i);
  }
  if (changed) set_measured_view(MeasuredView(view));
  const auto& e = m.views.metrics;
  ImGui::TextWrapped("model vs measured: AbsRel %.3f, d1 %.3f (%zu px)", e.abs_rel, e.delta1, e.valid_pixels);
  ImGui::SetItemTooltip("the model fitted to the measurement (scale and shift in inverse depth)");
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  if (measured_view_ == MeasuredView::error)
    ImGui::TextWrapped("heat map: |model - measured| / measured, 0 .. %.0f %%; grey = not measured",
                       100.0 * kErrorShownMax);
  else if (measured_view_ != MeasuredView::model)
    ImGui::TextWrapped("%.2f .. %.2f %s", measured_near_, measured_far_, m.metric ? "m" : "(file units)");
  ImGui::PopStyleColor();
  if (!sensor_bytes_.empty() && ImGui::BeginCombo("depth file units", settings_.sensor_preset.c_str())) {
    for (const auto& name : depth::sensor_preset_names())
      if (ImGui::Selectable(name.c_str(), name == settings_.sensor_preset)) {
        settings_.sensor_preset = name;
        settings_dirty_ = true;
        start_estimate();
      }
    ImGui::EndCombo();
  }
}

// Metric exports of the fused depth: PFM and EXR in metres (or the camera file's units), 16-bit PNG
// in millimetres, the point cloud as PLY in metres (through the photo's camera, else the field of
// view set in the panel).
void App::export_measured(const std::string& stem, int* written) {
  if (!showing_measured()) return;
  const depth::DepthMap& fused = result_->measured->views.fused.depth;
  const std::string base = stem + "_fused";
  try {
    depth::write_pfm(base + ".pfm", fused);
    depth::write_exr(base + ".exr", fused);
    std::vector<std::string> paths = {base + ".pfm", base + ".exr"};
    if (result_->measured->metric) {
      depth::write_bytes(base + "_mm.png", depth::encode_png16_millimetres(fused));
      const depth::Image& photo = result_->photo;
      const depth::CameraIntrinsics camera = result_->intrinsics.value_or(
          depth::intrinsics_from_fov(settings_.relief.fov_degrees, photo.width, photo.height, "the panel's field of view"));
      depth::write_point_ply(base + ".ply", depth::build_metric_point_cloud(depth::resample_depth(fused, photo.width, photo.height),
                                                                            photo, camera));
      paths.insert(paths.end(), {base + "_mm.png", base + ".ply"});
    }
    for (const auto& path : paths) deliver_file(path, fs::path(path).filename().string()), ++*written;
  } catch (const std::exception& e) {
    report_error(std::string("export fused depth: ") + e.what());
  }
}

nlohmann::json App::measured_json() const {
  if (!showing_measured()) return nullptr;
  const MeasuredDepth& m = *result_->measured;
  return {{"source", m.source},
          {"metric", m.metric},
          {"view", kViewNames[int(measured_view_)]},
          {"width", m.sensor.width},
          {"height", m.sensor.height},
          {"abs_rel", m.views.metrics.abs_rel},
          {"delta1", m.views.metrics.delta1},
          {"valid_pixels", m.views.metrics.valid_pixels},
          {"fused", m.views.fused.summary()},
          {"near", measured_near_},
          {"far", measured_far_},
          {"far_ratio", settings_.relief.far_ratio},
          {"fov_degrees", settings_.relief.fov_degrees},
          {"camera", result_->intrinsics ? result_->intrinsics->source : ""},
          {"ms", m.ms}};
}

}  // namespace dv::app
