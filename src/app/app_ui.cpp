// The viewer's panels: controls (photo, model, view, export) and the depth window with its
// before/after slider; plus exports and screenshots.
#include <algorithm>
#include <cstdio>
#include <filesystem>

#include <imgui.h>
#include <nlohmann/json.hpp>

#include "app/app.h"
#include "app/platform.h"
#include "app/widgets.h"
#ifdef DV_APP_DOWNLOADS
#include "app/model_fetch.h"
#endif
#include "depth/colormap.h"
#include "depth/pipeline.h"
#include "depth/export.h"
#include "scene/outputs_3d.h"
#include "depth/outputs.h"

namespace fs = std::filesystem;

namespace dv::app {

using widgets::disabled_text_wrapped;
using widgets::flow_same_line;

namespace {
ImTextureID texture_id(GLuint tex) { return reinterpret_cast<ImTextureID>(static_cast<intptr_t>(tex)); }

// Natively a model or variant with a download can be chosen too: the Download button fetches it.
bool downloadable(const depth::ModelInfo& m) {
  return std::any_of(m.variants.begin(), m.variants.end(), [](const depth::ModelVariant& v) { return v.downloadable; });
}

std::string model_label(const depth::ModelInfo& m) {
  if (m.path.empty()) return m.name + (exports_to_folder() && !downloadable(m) ? " (not installed)" : " (download)");
  std::error_code ec;
  const auto size = fs::file_size(m.path, ec);
  char text[256];
  std::snprintf(text, sizeof text, "%s (%.0f MB)", m.name.c_str(), ec ? 0.0 : double(size) / 1e6);
  return text;
}

std::string variant_label(const depth::ModelVariant& v) {
  std::error_code ec;
  const double bytes = v.size ? double(v.size) : v.path.empty() ? 0.0 : double(fs::file_size(v.path, ec));
  const char* where = !v.path.empty() ? "" : exports_to_folder() && !v.downloadable ? ", not installed" : ", download";
  char text[128];
  std::snprintf(text, sizeof text, "%s (%.1f MB%s)", v.name.c_str(), ec ? 0.0 : bytes / 1e6, where);
  return text;
}
}  // namespace

void App::draw_controls_body() {
  // Sliders and combos leave room for the longest label on their right.
  ImGui::PushItemWidth(-(ImGui::CalcTextSize("mesh resolution").x + ImGui::GetStyle().ItemInnerSpacing.x));
  if (!error_.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.45f, 0.4f, 1.0f));
    ImGui::TextWrapped("%s", error_.c_str());
    ImGui::PopStyleColor();
    if (ImGui::SmallButton("dismiss")) error_.clear();
    ImGui::Separator();
  }
  if (exports_to_folder()) {
    ImGui::PushItemWidth(-(ImGui::CalcTextSize("Open").x + ImGui::GetStyle().FramePadding.x * 2 +
                           ImGui::GetStyle().ItemSpacing.x));
    const bool enter = ImGui::InputTextWithHint("##path", "photo or video path, or drop one on the window", open_path_,
                                                sizeof open_path_, ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::PopItemWidth();
    ImGui::SameLine();
    if ((ImGui::Button("Open") || enter) && open_path_[0]) open_files({open_path_});
  } else if (touch_screen_) {
    // A phone's own pickers: its gallery (image/*), its camera, or any file (videos, models).
    if (ImGui::Button("Photo...")) request_file_picker("photo");
    if (widgets::flow_button("Camera...")) request_file_picker("camera");
    if (widgets::flow_button("Other file...")) request_file_picker("any");
  } else if (ImGui::Button("Open photo or video...")) {
    request_file_picker("any");
  }
  if (!exports_to_folder()) disabled_text_wrapped("or drop / paste a photo or video; nothing leaves this device");
  draw_video_section();
  draw_model_section();
  if (job_.busy() && !video_) {
    ImGui::ProgressBar(job_.progress(), ImVec2(widgets::width_leaving("Cancel"), 0), job_.stage().c_str());
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) {
      job_.cancel();
      status_ = "cancelled";
    }
  } else if (!status_.empty()) {
    ImGui::TextWrapped("%s", status_.c_str());
  }
  draw_measured_section();
  draw_view_section();
  draw_export_section();
  draw_parallax_section();
  // The draw time, not the interval: an idle window draws only when something changes.
  ImGui::TextDisabled("%.1f ms to draw a frame", draw_ms_);
  ImGui::PopItemWidth();
}

void App::draw_model_section() {
  if (!catalog_) {
    ImGui::TextWrapped("models: %s", catalog_error_.c_str());
    return;
  }
  // A model id of the manifest, or a model file (dropped on the window).
  std::string current = settings_.model.empty() ? "best installed" : fs::path(settings_.model).filename().string();
  const depth::ModelInfo* chosen = nullptr;
  for (const auto& m : catalog_->models())
    if (m.id == settings_.model) current = model_label(m), chosen = &m;
  if (ImGui::BeginCombo("model", current.c_str())) {
    if (ImGui::Selectable("best installed", settings_.model.empty())) set_model("");
    for (const auto& m : catalog_->models()) {
      ImGui::BeginDisabled(m.path.empty() && exports_to_folder() && !downloadable(m));  // the browser can download it
      if (ImGui::Selectable(model_label(m).c_str(), m.id == settings_.model)) set_model(m.id);
      ImGui::EndDisabled();
    }
    ImGui::EndCombo();
  }
  if (chosen && chosen->variants.size() > 1) draw_variant_menu(*chosen);
#ifdef DV_APP_DOWNLOADS
  draw_download();
#endif
  // How a model file the manifest does not list is run: said in the status line when it loads,
  // kept here after the status line moves on.
  if (!model_note_.empty() && status_ != model_note_) disabled_text_wrapped(model_note_.c_str());
  if (status_ != memory_note_) draw_memory_note();
  if (widgets::checkbox("edge-aware (guided filter)", &settings_.edge_aware))
    set_model(settings_.model, settings_.variant);
  // Offered only where int8 is faster on this CPU (measured at start-up, depth::int8_support).
  const depth::Int8Support& int8 = depth::int8_support();
  ImGui::BeginDisabled(!int8.worth_it);
  if (widgets::checkbox(int8.worth_it ? "fast (int8)" : "fast (int8): not faster on this CPU", &settings_.int8))
    set_model(settings_.model, settings_.variant);
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("int8 weights and activations (XNNPACK qd8), slightly less exact.\n%s", int8.summary.c_str());
}

// The model's published files: fp32, fp16, 8- and 4-bit (smaller downloads, a little less exact).
void App::draw_variant_menu(const depth::ModelInfo& model) {
  const std::string by_default = "default (" + model.default_variant + ")";
  if (!ImGui::BeginCombo("variant", settings_.variant.empty() ? by_default.c_str() : settings_.variant.c_str())) return;
  if (ImGui::Selectable(by_default.c_str(), settings_.variant.empty())) set_model(model.id, "");
  for (const auto& v : model.variants) {
    ImGui::BeginDisabled(v.path.empty() && exports_to_folder() && !v.downloadable);  // the page may have it
    if (ImGui::Selectable(variant_label(v).c_str(), v.name == settings_.variant)) set_model(model.id, v.name);
    ImGui::EndDisabled();
  }
  ImGui::EndCombo();
}

void App::draw_view_section() {
  ReliefSettings& r = settings_.relief;
  bool changed = false;
  if (ImGui::CollapsingHeader("View", ImGuiTreeNodeFlags_DefaultOpen)) {
    int mode = r.points ? 1 : 0;
    changed |= ImGui::RadioButton("relief", &mode, 0);
    flow_same_line(widgets::checkbox_width("point cloud"));
    changed |= ImGui::RadioButton("point cloud", &mode, 1);
    r.points = mode == 1;
    changed |= ImGui::SliderFloat("depth scale", &r.depth_scale, 0.0f, 1.5f);
    changed |= ImGui::SliderInt("mesh resolution", &r.mesh_side, 16, 1024);
    changed |= widgets::checkbox("3D photo: fill behind edges", &r.layered);
    ImGui::SetItemTooltip("an inpainted background layer behind each depth edge, so turning the view\n"
                          "shows what was hidden instead of a hole; off: the cut relief");
    ImGui::BeginDisabled(relief_.showing_layers(r));
    changed |= ImGui::SliderFloat("edge cut", &r.cut, 0.01f, 1.0f, "%.2f");
    ImGui::EndDisabled();
    ImGui::SetItemTooltip("drop triangles across depth jumps larger than this (1 = keep all)");
    changed |= widgets::checkbox("lit", &r.lit);
    changed |= widgets::flow_checkbox("wireframe", &r.wireframe);
    changed |= widgets::flow_checkbox("wiggle", &r.wiggle);
    if (r.points) {
      changed |= ImGui::SliderFloat("field of view", &r.fov_degrees, 20.0f, 120.0f, "%.0f deg");
      changed |= ImGui::SliderFloat("point size", &r.point_size, 1.0f, 8.0f);
    }
    if (ImGui::Button("Reset view")) reset_camera();
  }
  if (ImGui::CollapsingHeader("Depth map", ImGuiTreeNodeFlags_DefaultOpen)) {
    if (ImGui::BeginCombo("colours", settings_.colormap.c_str())) {
      for (const auto& name : depth::colormap_names())
        if (ImGui::Selectable(name.c_str(), name == settings_.colormap))
          settings_.colormap = name, preview_dirty_ = changed = true;
      ImGui::EndCombo();
    }
    preview_dirty_ |= widgets::checkbox("invert (bright = far)", &settings_.invert);
    preview_dirty_ |=
        ImGui::DragFloatRange2("range", &settings_.range_low, &settings_.range_high, 0.005f, 0.0f, 1.0f, "%.2f");
    changed |= preview_dirty_;
  }
  r.mesh_side = std::clamp(r.mesh_side, 2, 4096);
  settings_dirty_ |= changed;
}

// What the Export button writes: the depth outputs, then the 3D photo's still ones.
static const std::vector<std::string>& viewer_export_formats() {
  static const std::vector<std::string> formats = [] {
    std::vector<std::string> f = depth::output_formats();
    const auto& scene = scene::scene_output_formats();
    f.insert(f.end(), scene.begin(), scene.end());
    return f;
  }();
  return formats;
}

void App::draw_export_section() {
  if (!ImGui::CollapsingHeader("Export")) return;
  const auto& formats = viewer_export_formats();
  for (const auto& f : formats) {
    auto& chosen = settings_.export_formats;
    bool on = std::find(chosen.begin(), chosen.end(), f) != chosen.end();
    if (&f != &formats[0]) flow_same_line(widgets::checkbox_width(f.c_str()));
    if (ImGui::Checkbox(f.c_str(), &on)) {
      if (on) chosen.push_back(f);
      else chosen.erase(std::remove(chosen.begin(), chosen.end(), f), chosen.end());
      settings_dirty_ = true;
    }
  }
  if (exports_to_folder()) {
    char dir[1024];
    std::snprintf(dir, sizeof dir, "%s", settings_.export_dir.c_str());
    if (ImGui::InputText("folder", dir, sizeof dir)) settings_.export_dir = dir, settings_dirty_ = true;
  }
  ImGui::BeginDisabled(!result_);
  if (ImGui::Button("Export")) export_outputs(exports_to_folder() ? settings_.export_dir : "/tmp/depthview-export");
  ImGui::SameLine();
  ImGui::EndDisabled();
  if (ImGui::Button("Screenshot")) {
    const std::string stem = result_ ? fs::path(result_->photo_name).stem().string() : "depthview";
    const fs::path dir = exports_to_folder() ? fs::path(settings_.export_dir) : fs::path("/tmp/depthview-export");
    pending_screenshot_ = (dir / (stem + "_screenshot.png")).string();
  }
}

// A step down after the device ran out of memory (app_memory.cpp): with the model, and with the
// depth it made.
void App::draw_memory_note() {
  if (memory_note_.empty()) return;
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.75f, 0.35f, 1.0f));
  ImGui::TextWrapped("%s", memory_note_.c_str());
  ImGui::PopStyleColor();
}

// The photo | depth comparison, as large as fits in max_width x max_height.
void App::draw_depth_body(float max_width, float max_height) {
  draw_memory_note();
  if (!result_ || !depth_preview_) {
    disabled_text_wrapped("The depth map of a photo shows here (bright = near).");
    return;
  }
  const float s = ui_scale_;
  ImGui::SetNextItemWidth(-(ImGui::CalcTextSize("photo | depth").x + ImGui::GetStyle().ItemInnerSpacing.x));
  ImGui::SliderFloat("photo | depth", &compare_, 0.0f, 1.0f, "%.2f");
  const float line = ImGui::GetTextLineHeightWithSpacing() + ImGui::GetStyle().ItemSpacing.y;
  const float aspect = float(result_->photo.width) / float(result_->photo.height);
  float width = std::min(max_width, ImGui::GetContentRegionAvail().x);
  float height = width / aspect;
  const float room = max_height - (ImGui::GetCursorPosY() + line + ImGui::GetStyle().WindowPadding.y);
  if (height > room && room > 0) height = room, width = height * aspect;
  // Before/after: the photo left of the split, the depth map right of it.
  const ImVec2 at = ImGui::GetCursorScreenPos();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->AddImage(texture_id(photo_preview_), at, ImVec2(at.x + width * compare_, at.y + height), ImVec2(0, 0),
                 ImVec2(compare_, 1));
  draw->AddImage(texture_id(depth_preview_), ImVec2(at.x + width * compare_, at.y), ImVec2(at.x + width, at.y + height),
                 ImVec2(compare_, 0), ImVec2(1, 1));
  draw->AddLine(ImVec2(at.x + width * compare_, at.y), ImVec2(at.x + width * compare_, at.y + height),
                IM_COL32(255, 255, 255, 200), 2 * s);
  ImGui::Dummy(ImVec2(width, height));
  ImGui::TextWrapped("%d x %d, %zu triangles, %zu cut at edges", result_->photo.width, result_->photo.height,
                     relief_.triangle_count(), relief_.dropped_count());
}

// The depth window's title says what the picture is.
const char* App::depth_title() const {
  const bool error_view = showing_measured() && measured_view_ == MeasuredView::error;
  return error_view ? "Model error (bright = larger)" : "Depth (bright = near)";
}

void App::export_outputs(const std::string& dir) {
  if (!result_) return;
  std::error_code ec;
  fs::create_directories(dir, ec);
  const std::string stem = (fs::path(dir) / fs::path(result_->photo_name).stem()).string() + "_depth";
  depth::OutputOptions options;
  options.colormap = settings_.colormap == "grey" ? "inferno" : settings_.colormap;
  options.mesh.max_side = settings_.relief.mesh_side;
  options.mesh.depth_scale = settings_.relief.depth_scale;
  options.mesh.discontinuity = settings_.relief.cut;
  options.points.fov_degrees = settings_.relief.fov_degrees;
  const depth::DepthMap shown = displayed_depth(result_->estimate.depth, settings_);
  int written = 0;
  std::shared_ptr<const scene::LayeredDepth> layers;  // for the 3D photo's outputs, once
  scene::SceneOutputOptions scene_options;
  scene_options.stereo.eye_distance = settings_.eye_distance;
  scene_options.glb.max_side = settings_.relief.mesh_side;
  scene_options.glb.depth_scale = settings_.relief.depth_scale;
  for (const std::string& f : settings_.export_formats) {
    try {
      if (scene::is_scene_output(f)) {
        if (!layers) layers = export_layers();
        if (!layers) throw std::runtime_error("the 3D photo's layers could not be built");
        for (const std::string& path : scene::write_scene_output(f, stem, *layers, scene_options))
          deliver_file(path, fs::path(path).filename().string()), ++written;
        continue;
      }
      const bool is_map = f == "png" || f == "png16" || f == "color" || f == "pfm" || f == "exr";
      for (const std::string& path :
           depth::write_output(f, stem, result_->photo, is_map ? shown : result_->estimate.depth, options)) {
        deliver_file(path, fs::path(path).filename().string());
        ++written;
      }
    } catch (const std::exception& e) {
      report_error(std::string("export ") + f + ": " + e.what());
    }
  }
  export_measured(stem, &written);
  status_ = "exported " + std::to_string(written) + " file(s)" + (exports_to_folder() ? " to " + dir : "");
  std::printf("depthview: %s\n", status_.c_str());
}

void App::save_screenshot(const std::string& path) {
  int w = 0, h = 0;
  glfwGetFramebufferSize(window_, &w, &h);
  std::vector<uint8_t> rgba(size_t(w) * size_t(h) * 4), rgb(size_t(w) * size_t(h) * 3);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
  for (int y = 0; y < h; ++y)  // GL rows start at the bottom
    for (int x = 0; x < w; ++x)
      std::copy_n(&rgba[(size_t(h - 1 - y) * size_t(w) + size_t(x)) * 4], 3,
                  &rgb[(size_t(y) * size_t(w) + size_t(x)) * 3]);
  try {
    std::error_code ec;
    fs::create_directories(fs::path(path).parent_path(), ec);
    depth::write_png_rgb(path, w, h, rgb);
    deliver_file(path, fs::path(path).filename().string());
    std::printf("depthview: screenshot %s (%dx%d)\n", path.c_str(), w, h);
  } catch (const std::exception& e) {
    report_error(e.what());
  }
}

std::string App::state_json() const {
  const auto& r = settings_.relief;
  nlohmann::json j = {{"frames", frames_},
                      {"busy", job_.busy()},
                      {"model_loaded", job_.model_loaded()},
                      {"stage", job_.stage()},
                      {"int8", settings_.int8},
                      {"model", settings_.model},
                      {"variant", settings_.variant},
                      {"model_note", model_note_},
                      {"worker", job_.worker_state()},
                      {"has_depth", bool(result_)},
                      {"depth_frames", depth_frames_},
                      {"error", error_},
                      {"status", status_},
                      {"yaw", camera_.yaw},
                      {"pitch", camera_.pitch},
                      {"distance", camera_.distance},
                      {"pan", {camera_.pan.x, camera_.pan.y}},
                      {"layout", layout_json()},
                      {"setup", setup_json()},
                      {"points", r.points},
                      {"mesh_side", r.mesh_side},
                      {"triangles", relief_.triangle_count()},
                      {"layered", relief_.showing_layers(settings_.relief)},
                      {"ui_scale", ui_scale_},
                      {"frame_stats", stats_.summary()},
                      {"max_frame_draw_ms_during_inference", stats_.during_inference.max_ms},
                      {"gl_renderer", gl_renderer_},
                      {"software_gl", software_gl_}};
  if (video_) {
    const VideoStatus v = video_->status();
    j["video"] = {{"mode", v.camera ? "camera" : "file"}, {"name", v.name}, {"frames_in", video_stats_.frames_in},
                  {"frames_depth", video_stats_.frames_depth}, {"dropped", video_stats_.dropped},
                  {"depth_fps", video_stats_.depth_fps}, {"stabilised", settings_.stabilise},
                  {"stabiliser_ms", video_stats_.stabiliser_ms}, {"playing", v.playing}, {"ended", v.ended},
                  {"time_s", v.time_s}, {"duration_s", v.duration_s}, {"fps", v.fps}, {"frame_count", v.frame_count},
                  {"error", v.error}, {"exporting", video_export_.running}, {"export_done", video_export_.done},
                  {"export_progress", video_export_.page ? 0.0f : job_.task_progress()},
                  {"frame_index", result_ ? result_->frame_index : -1}};
  }
#ifdef DV_APP_DOWNLOADS
  if (fetch_) {
    const depth::DownloadProgress p = fetch_->progress();
    j["download"] = {{"running", fetch_->running()}, {"label", fetch_->label()}, {"bytes", p.bytes},
                     {"total", p.total}, {"bytes_per_s", p.bytes_per_s}};
  }
#endif
  if (result_) {
    // Mean normalised depth of the top and bottom tenth of the photo (bright = near).
    const auto& d = result_->estimate.depth;
    const size_t band = size_t(std::max(1, d.height / 10)) * size_t(d.width);
    double top = 0, bottom = 0;
    for (size_t i = 0; i < band; ++i) top += d.values[i], bottom += d.values[d.values.size() - 1 - i];
    j["depth_top_mean"] = top / double(band);
    j["depth_bottom_mean"] = bottom / double(band);
    j["parallax"] = {{"running", parallax_.running}, {"format", parallax_.format}, {"file", parallax_.path},
                     {"done", parallax_.done}, {"total", parallax_.total}, {"outcome", parallax_.outcome}};
    j["photo"] = {{"name", result_->photo_name}, {"width", result_->photo.width}, {"height", result_->photo.height}};
    j["depth_ms"] = result_->total_ms;
    j["open_to_relief_ms"] = open_to_relief_ms_;
    j["model_ms"] = result_->estimate.inference_ms;
    j["decode_ms"] = result_->decode_ms;
    j["upload_ms"] = upload_ms_;
    j["measured"] = measured_json();
    j["layers"] = result_->layers ? nlohmann::json{{"band_pixels", result_->layers->band_pixels},
                                                   {"width", result_->layers->foreground.depth.width},
                                                   {"ms", result_->layers_ms}}
                                  : nlohmann::json(nullptr);
    j["measured_error"] = result_->measured_error;
  }
  return j.dump();
}

}  // namespace dv::app
