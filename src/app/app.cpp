#include "app/app.h"
#include "app/clock.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <thread>
#include <utility>

#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>
#include <nlohmann/json.hpp>

#include "app/platform.h"
#ifdef DV_APP_DOWNLOADS
#include "app/model_fetch.h"
#endif
#include "depth/colormap.h"
#include "depth/export.h"
#include "depth/outputs.h"
#include "depth/video_depth.h"

namespace fs = std::filesystem;

namespace dv::app {

namespace {

// An RGBA8 texture from RGB8 pixels (the 2D previews).
GLuint upload_rgba(GLuint tex, int w, int h, const std::vector<uint8_t>& rgb) {
  std::vector<uint8_t> rgba(size_t(w) * size_t(h) * 4, 255);
  for (size_t i = 0; i < size_t(w) * size_t(h); ++i) std::copy_n(&rgb[i * 3], 3, &rgba[i * 4]);
  if (tex == 0) glGenTextures(1, &tex);
  glBindTexture(GL_TEXTURE_2D, tex);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  return tex;
}

// Every step-th pixel of a row-major map with `channels` values per pixel (previews only).
template <typename T>
std::vector<T> decimate(const std::vector<T>& v, int w, int h, int channels, int step, int* out_w, int* out_h) {
  *out_w = std::max(1, w / step);
  *out_h = std::max(1, h / step);
  std::vector<T> out(size_t(*out_w) * size_t(*out_h) * size_t(channels));
  for (int y = 0; y < *out_h; ++y)
    for (int x = 0; x < *out_w; ++x)
      std::copy_n(&v[(size_t(y * step) * size_t(w) + size_t(x * step)) * size_t(channels)], channels,
                  &out[(size_t(y) * size_t(*out_w) + size_t(x)) * size_t(channels)]);
  return out;
}

}  // namespace

App::App(GLFWwindow* window, AppPaths paths) : window_(window), paths_(std::move(paths)) {
  last_event_ms_ = now_ms();  // the window's first moments settle like input (ImGui sizes its windows)
  settings_ = settings_from_json(load_settings_text());
  if (!paths_.export_dir.empty()) settings_.export_dir = paths_.export_dir;
  if (!depth::int8_support().worth_it) settings_.int8 = false;  // the "fast" mode would not be faster
  reload_models();
}

App::~App() {
  save_settings_text(to_json(settings_));
  glDeleteTextures(1, &photo_preview_);
  glDeleteTextures(1, &depth_preview_);
}

bool App::init(std::string* error) {
  gl_renderer_ = gl_renderer();
  for (const char* software : {"llvmpipe", "softpipe", "SwiftShader", "Software Rasterizer"})
    software_gl_ = software_gl_ || gl_renderer_.find(software) != std::string::npos;
  return relief_.init(error);
}

void App::reload_models() {
  try {
    catalog_ = std::make_unique<depth::ModelCatalog>(paths_.models_json, paths_.model_dirs);
    catalog_error_.clear();
  } catch (const std::exception& e) {
    catalog_.reset();
    catalog_error_ = e.what();
  }
  preload_model();
}

// Loads the chosen model in the background while no photo is waiting for it.
void App::preload_model() {
  if (!catalog_ || job_.busy() || !photo_bytes_.empty()) return;
  try {
    int size = 0;
    const depth::ModelInfo model = resolve_model(&size);
    last_model_ = model;
    last_input_size_ = size;
    if (!model.path.empty()) job_.preload(model, engine_options());
  } catch (const std::exception&) {
    // nothing installed yet: the message comes when a photo is opened
  }
}

depth::EngineOptions App::engine_options() const { return {inference_threads(), settings_.int8}; }

size_t App::inference_threads() {
#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
  return 1;  // the single-threaded build
#else
  return std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 4);
#endif
}

void App::set_model(const std::string& id, const std::string& variant) {
  if (catalog_ && !id.empty()) {
    const auto& models = catalog_->models();
    const auto m = std::find_if(models.begin(), models.end(), [&](const depth::ModelInfo& x) { return x.id == id; });
    const depth::ModelVariant* v = m == models.end() ? nullptr : m->find_variant(variant);
    const bool installed = m == models.end() || (variant.empty() ? !m->path.empty() : v && !v->path.empty());
    if (!installed && request_model_download(id, variant)) {
      status_ = "downloading " + m->name + (variant.empty() ? "" : " (" + variant + ")") + "...";
      return;  // the page stores the file, then calls set_model again
    }
  }
  if (id != settings_.model) model_note_.clear();  // the next model's load says its own
  settings_.model = id;
  settings_.variant = variant;
  settings_dirty_ = true;
  if (!photo_bytes_.empty()) start_estimate();
  else preload_model();
}

void App::open_files(const std::vector<std::string>& paths) {
  auto is_model = [](const std::string& p) {
    std::string ext = fs::path(p).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return ext == ".onnx";
  };
  const auto model = std::find_if(paths.begin(), paths.end(), is_model);
  if (model != paths.end()) return set_model(*model);
  if (paths.empty()) return;
  if (depth::is_video_path(paths.front())) return open_video_file(paths.front());
  if (paths.size() < 2) return open_photo_file(paths.front());
  try {
    open_two_files(depth::read_file(paths[0]), paths[0], depth::read_file(paths[1]), paths[1]);
  } catch (const std::exception& e) {
    report_error(e.what());
  }
}

void App::open_two_files(std::vector<uint8_t> a, std::string name_a, std::vector<uint8_t> b, std::string name_b) {
  if (depth::looks_like_depth_file(a)) std::swap(a, b), std::swap(name_a, name_b);
  if (!depth::looks_like_depth_file(b)) return open_photo_bytes(std::move(a), std::move(name_a));  // two photos: the first
  open_photo_pair(std::move(a), std::move(name_a), std::move(b), std::move(name_b));
}

void App::open_photo_file(const std::string& path) {
  try {
    open_photo_bytes(depth::read_file(path), path);
  } catch (const std::exception& e) {
    report_error(e.what());
  }
}

void App::open_photo_bytes(std::vector<uint8_t> bytes, std::string name) {
  open_photo_pair(std::move(bytes), std::move(name), {}, "");
}

void App::open_photo_pair(std::vector<uint8_t> photo, std::string name, std::vector<uint8_t> depth_bytes,
                          std::string depth_name) {
  if (video_) close_video();
  opened_at_ms_ = now_ms();
  open_to_relief_ms_ = -1;
  photo_bytes_ = std::move(photo);
  photo_name_ = std::move(name);
  sensor_bytes_ = std::move(depth_bytes);
  sensor_name_ = fs::path(depth_name).filename().string();
  start_estimate();
}

void App::report_error(const std::string& message) {
  error_ = message;
  std::fprintf(stderr, "depthview: %s\n", message.c_str());
}

void App::start_estimate() {
  if (!catalog_) return report_error(catalog_error_);
#ifdef DV_APP_DOWNLOADS
  if (const auto offer = download_offer()) {  // not an error: the Download button is shown
    error_.clear();
    if (!downloading()) status_ = offer->variant_label + " is not installed: press Download to fetch it";
    return;
  }
#endif
  DepthRequest request;
  try {
    request.model = resolve_model(&request.options.size);
  } catch (const std::exception& e) {
    return report_error(e.what());
  }
  last_model_ = request.model;
  last_input_size_ = request.options.size;
  request.photo_bytes = photo_bytes_;
  request.photo_name = photo_name_;
  request.engine = engine_options();
  request.options.edge_aware = settings_.edge_aware;
  request.layered = true;  // cheap next to the model (kLayeredSide); the view's toggle picks
  if (!sensor_bytes_.empty()) {
    try {
      request.sensor = SensorInput{sensor_bytes_, sensor_name_, depth::sensor_preset(settings_.sensor_preset)};
    } catch (const std::exception& e) {  // a preset name from an old settings file
      settings_.sensor_preset = "mm";
      request.sensor = SensorInput{sensor_bytes_, sensor_name_, depth::sensor_preset("mm")};
    }
  }
  error_.clear();
  status_ = "estimating depth of " + fs::path(photo_name_).filename().string() + " with " + request.model.label();
  job_.start(std::move(request));
}

void App::poll_job() {
  if (auto error = job_.take_error()) {
    status_.clear();
    if (error->out_of_memory && !video_) step_down_after_out_of_memory(error->message);
    else report_error(error->message);
    if (!video_export_.page) video_export_ = {};  // a native export stopped
  }
  if (auto note = job_.take_model_note()) {
    model_note_ = *note;
    if (!note->empty()) {
      status_ = *note;
      std::printf("depthview: %s\n", note->c_str());
      std::fflush(stdout);
    }
  }
  if (auto result = job_.take_result()) {
    if (!result->task_message.empty()) {
      video_export_ = {};
      status_ = result->task_message;
      std::printf("depthview: %s\n", status_.c_str());
      std::fflush(stdout);
      return;
    }
    if (result->frame_index >= 0) return take_video_result(std::move(*result));
    const double t0 = now_ms();
    result_ = std::make_unique<DepthResult>(std::move(*result));
    show_result();
    if (sheet_open_ && sheet_tab_ == 0) sheet_tab_ = 1, select_tab_ = true;  // compact: the new depth map
    reset_camera();
    upload_ms_ = now_ms() - t0;
    depth_frames_ = 0;
    if (!result_->measured_error.empty()) report_error(result_->measured_error);
    char line[256];
    std::snprintf(line, sizeof line, "%s: depth 1x1x%dx%d in %.0f ms (model %.0f ms)",
                  fs::path(result_->photo_name).filename().string().c_str(), result_->estimate.model_height,
                  result_->estimate.model_width, result_->total_ms, result_->estimate.inference_ms);
    status_ = line;
    std::printf("depthview: %s\n", line);
    std::fflush(stdout);
  }
}

// The 2D previews (photo and colour-mapped depth), at most 1024 pixels per side: decimated before
// colour mapping, so a large photo costs little.
void App::refresh_preview() {
  if (!preview_dirty_ || !result_) return;
  const auto step_for = [](int w, int h) { return std::max(1, (std::max(w, h) + 1023) / 1024); };
  const auto& photo = result_->photo;
  int w = 0, h = 0;
  const std::vector<uint8_t> photo_small =
      decimate(photo.rgb, photo.width, photo.height, 3, step_for(photo.width, photo.height), &w, &h);
  photo_preview_ = upload_rgba(photo_preview_, w, h, photo_small);
  // The error view shows |model − sensor| / sensor instead of depth.
  const bool error_view = showing_measured() && measured_view_ == MeasuredView::error;
  const auto& d = error_view ? result_->measured->views.relative_error : shown_depth();
  depth::DepthMap small{0, 0, decimate(d.values, d.width, d.height, 1, step_for(d.width, d.height), &w, &h)};
  small.width = w;
  small.height = h;
  const auto rgb = error_view ? error_heat_rgb(small)
                              : depth::apply_colormap(displayed_depth(small, settings_),
                                                      depth::colormap_from_name(settings_.colormap));
  depth_preview_ = upload_rgba(depth_preview_, w, h, rgb);
  preview_dirty_ = false;
}

void App::handle_camera_input() {
  apply_touch_motion();
  const ImGuiIO& io = ImGui::GetIO();
  // The browser turns a finger into the mouse too: while fingers move the camera, it does not.
  constexpr double kTouchQuietMs = 500;
  if (io.WantCaptureMouse || touch_.active() || touch_.seen_since(now_ms() - touch_clock_offset_ms_ - kTouchQuietMs))
    return;
  if (!layout_.view.contains(io.MousePos.x, io.MousePos.y) && !ImGui::IsMouseDown(ImGuiMouseButton_Left) &&
      !ImGui::IsMouseDown(ImGuiMouseButton_Right))
    return;
  // The click frame's delta includes the jump to the click point: skip it.
  if (ImGui::IsMouseDown(ImGuiMouseButton_Left) && !ImGui::IsMouseClicked(ImGuiMouseButton_Left))
    camera_.orbit(io.MouseDelta.x, io.MouseDelta.y);
  if (ImGui::IsMouseDown(ImGuiMouseButton_Right) && !ImGui::IsMouseClicked(ImGuiMouseButton_Right))
    camera_.pan_by(io.MouseDelta.x, io.MouseDelta.y, layout_.view.h);
  if (io.MouseWheel != 0.0f) camera_.zoom(io.MouseWheel);
}

void App::update_ui_scale() {
  const float scale = std::clamp(sync_canvas_and_scale(window_), 1.0f, 4.0f);
  if (scale == ui_scale_ && styled_for_touch_ == touch_screen_) return;
  // Re-rasterise the font at the new size (crisp on high-DPI screens) and scale the style.
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  ImFontConfig font;
  font.SizePixels = std::round(13.0f * text_scale() * scale);
  io.Fonts->AddFontDefault(&font);
  ImGui_ImplOpenGL3_DestroyDeviceObjects();  // NewFrame rebuilds the font texture
  ImGuiStyle style;
  ImGui::StyleColorsDark(&style);
  style.ScaleAllSizes(scale);
  if (touch_screen_) {
    // Thumb-sized targets: buttons, checkboxes, sliders and tabs at least 44 CSS px tall.
    constexpr float kTargetCss = 44;
    style.FramePadding = ImVec2(10 * scale, std::max(style.FramePadding.y, (kTargetCss * scale - font.SizePixels) / 2));
    style.ItemSpacing = ImVec2(10 * scale, 8 * scale);
    style.ScrollbarSize = 20 * scale;
    style.GrabMinSize = 28 * scale;
  }
  ImGui::GetStyle() = style;
  ui_scale_ = scale;
  styled_for_touch_ = touch_screen_;
}

// How often frames are drawn; input is answered at once in every case.
//  - continuous (every iteration of the loop, at the display's rate): the first frame, the job just
//    started or finished, the wiggle animation, a script; and always in the browser, which paces
//    animation frames itself (and gives hidden tabs none).
//  - busy: while depth is estimated (or, natively, a model downloads), 20 frames per second, or 2
//    with software GL (headless browsers' SwiftShader, llvmpipe), where drawing the relief costs a
//    core: the progress bar still moves, the cores go to the model (Depth Anything V2 in headless
//    Chromium: model 2.27 s at 20 frames/s, 1.70 s at 2).
//  - video: a video or camera is shown, 30 frames per second (10 with software GL): new depth
//    comes at most at the video's rate, and the model needs the cores.
//  - settling, natively: 20 per second for a moment after the last event, for what ImGui shows
//    after a delay (tooltips wait 0.15-0.4 s for a still mouse).
//  - on_events, natively: nothing changes, so nothing is drawn until an event comes; an idle window
//    costs no CPU (it drew at the display's rate before, and spun a core with --no-vsync).
App::Pace App::pace() const {
#ifdef __EMSCRIPTEN__
  constexpr bool kDrawWhenIdle = true;
#else
  constexpr bool kDrawWhenIdle = false;
#endif
  constexpr double kSettleMs = 500;
  if (frames_ == 0 || job_.busy() != busy_at_frame_) return Pace::continuous;
  if (video_) return Pace::video;
  if (job_.busy() || parallax_.running) return Pace::busy;  // an export draws a frame per UI frame
#ifdef DV_APP_DOWNLOADS
  if (downloading()) return Pace::busy;  // the progress bar moves
#endif
  if (kDrawWhenIdle || settings_.relief.wiggle || script_.active()) return Pace::continuous;
  if (now_ms() - last_event_ms_ < kSettleMs) return Pace::settling;
  return Pace::on_events;
}

double App::pace_interval_ms(Pace pace) const {
  if (pace == Pace::continuous) return 0;
  if (pace == Pace::busy) return software_gl_ ? 500 : 50;
  if (pace == Pace::video) return software_gl_ ? 100 : 1000.0 / 30;
  if (pace == Pace::settling) return 50;
  return std::numeric_limits<double>::infinity();
}

bool App::frame_due() {
  pace_ = pace();
  if (std::exchange(window_event_, false)) {
    last_event_ms_ = now_ms();
    return true;
  }
  return now_ms() - last_frame_ms_ >= pace_interval_ms(pace_);
}

double App::seconds_until_frame_due() const {
  // At least a millisecond: glfwWaitEventsTimeout needs a positive timeout.
  return std::max(0.001, (pace_interval_ms(pace_) - (now_ms() - last_frame_ms_)) / 1000.0);
}

void App::frame() {
  const double t0 = now_ms();
  const double frame_ms = t0 - last_frame_ms_;
  last_frame_ms_ = t0;
  busy_at_frame_ = job_.busy();  // before poll_job: a job that ends after this is seen by pace()
  // An interval that ended a wait for events says nothing about the frame rate.
  if (frames_ > 0 && (pace_ == Pace::continuous || pace_ == Pace::busy || pace_ == Pace::video)) {
    stats_.all.add(frame_ms);
    if (!job_.busy() && relief_.has_content()) stats_.relief.add(frame_ms);
  }
  time_ = t0 / 1000.0;
  update_ui_scale();
  poll_job();
  poll_video();
#ifdef DV_APP_DOWNLOADS
  poll_download();
#endif
  script_.step(*this);
  if (quit_) return;
  step_parallax_export();
  refresh_preview();

  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGui::NewFrame();
  update_layout();
  handle_camera_input();
  draw_panels();
  ImGui::Render();
  record_windows();

  int fb_w = 0, fb_h = 0;
  glfwGetFramebufferSize(window_, &fb_w, &fb_h);
  glViewport(0, 0, fb_w, fb_h);
  glClearColor(0.09f, 0.10f, 0.12f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);
  OrbitCamera cam = camera_;
  if (settings_.relief.wiggle) cam.yaw += 0.12f * float(std::sin(time_ * 2.0 * 3.14159265 * 0.6));  // parallax "wiggle"
  // The 3D view's rectangle in framebuffer pixels, from the bottom (GL's origin).
  const ImVec2 fb_scale = ImGui::GetIO().DisplayFramebufferScale;
  const Rect& v = layout_.view;
  relief_.draw(cam, settings_.relief, int(v.x * fb_scale.x), int(float(fb_h) - (v.y + v.h) * fb_scale.y),
               int(v.w * fb_scale.x), int(v.h * fb_scale.y));
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  if (!pending_screenshot_.empty()) save_screenshot(std::exchange(pending_screenshot_, std::string()));
  ++frames_;
  if (result_ && ++depth_frames_ == 1 && open_to_relief_ms_ < 0) open_to_relief_ms_ = now_ms() - opened_at_ms_;
  notify_frame_drawn();
  if (settings_dirty_) {
    save_settings_text(to_json(settings_));
    settings_dirty_ = false;
  }
}

// While the model runs, what counts for the person at the window is how long a frame takes to
// draw (input waits at most that), not the paced interval between frames.
void App::frame_presented() {
  draw_ms_ = now_ms() - last_frame_ms_;
  if (job_.busy()) stats_.during_inference.add(draw_ms_);
}

}  // namespace dv::app
