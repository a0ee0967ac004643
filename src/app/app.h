// The viewer: one App object owns the state, draws the ImGui panels and the 3D view each frame,
// and runs depth estimation on a worker thread. main.cpp only creates the window and calls
// frame(); the same code runs natively and in the browser.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "app/camera.h"
#include "app/depth_job.h"
#include "app/frame_stats.h"
#include "app/gl.h"
#include "app/layout.h"
#include "app/model_setup.h"
#include "app/relief_view.h"
#include "app/script.h"
#include "app/settings.h"
#include "app/touch_gestures.h"
#include "app/video_source.h"
#include "depth/model_catalog.h"
#include "scene/parallax_export.h"

#ifndef __EMSCRIPTEN__
// Natively the viewer downloads models itself (app_download.cpp); in the browser the page does
// (platform.h request_model_download).
#define DV_APP_DOWNLOADS 1
#include <optional>

#include "depth/model_download.h"
#endif

namespace dv::app {

class ModelFetch;

struct AppPaths {
  std::string models_json;                // the model manifest
  std::vector<std::string> model_dirs;    // where model files are looked for
  std::string export_dir;                 // "" = remembered setting
  std::string hub;                        // natively: download base URL ("" = the manifest's)
  std::string download_dir;               // natively: where downloads go ("" = the user models folder)
};

class App {
 public:
  App(GLFWwindow* window, AppPaths paths);
  ~App();
  bool init(std::string* error);
  void frame();                           // one iteration of the main loop
  bool frame_due();                       // false: skip this iteration (see App::pace)
  // Natively, how long the loop may wait for events before a frame is due (infinity: until an
  // event comes); call after frame_due() returned false.
  double seconds_until_frame_due() const;
  void frame_presented();                 // after the swap: how long the frame took
  // Input or a window change (move, click, key, resize, expose): the next frame is drawn at once.
  void note_window_event() { window_event_ = true; }
  bool should_quit() const { return quit_; }

  // Dropped files: a model file (.onnx) among them becomes the model, else the first is a photo.
  void open_files(const std::vector<std::string>& paths);
  void open_photo_file(const std::string& path);
  void open_photo_bytes(std::vector<uint8_t> bytes, std::string name);
  // A photo with its measured depth (an RGB-D pair: a 16-bit depth PNG or PGM, read by
  // settings_.sensor_preset). Without depth bytes the photo's own camera depth is used, if any.
  void open_photo_pair(std::vector<uint8_t> photo, std::string name, std::vector<uint8_t> depth_bytes,
                       std::string depth_name);
  // Two files given together: a photo and a depth file (told apart by their headers) become a
  // pair, in either order; two photos open the first.
  void open_two_files(std::vector<uint8_t> a, std::string name_a, std::vector<uint8_t> b, std::string name_b);
  void reload_models();                   // the model files changed (e.g. the page stored one)
  // A model id of the manifest (with a variant; "" = its default), or a model file (a dropped one).
  void set_model(const std::string& id, const std::string& variant = "");
  void run_script(const std::string& script) { script_.load(script); }
  // The page says what device this is (app_memory.cpp): its memory (navigator.deviceMemory, GB;
  // 0 = unknown) and whether its main pointer is a finger (larger touch targets).
  void set_device(double memory_gb, bool touch_screen);
  // The variant of model `id` that suits this device ("" = the default), for the page to fetch.
  std::string preferred_variant(const std::string& id) const;
  // The fingers now on the canvas (framebuffer pixels; empty when the last lifted) at time_ms (any
  // steady clock; the page passes its events' time stamps): web/touch.js.
  void touch_event(const std::vector<TouchPoint>& touches, double time_ms);

  // Video (app_video.cpp). Natively a file or camera is decoded by FFmpeg; in the browser the page
  // plays it and hands frames over (the page_* calls, from main.cpp's entry points).
  void open_video_file(const std::string& path);
  void open_camera();
  void close_video();
  void page_video_open(VideoStatus status);
  void page_video_frame(SourceFrame frame);
  void page_video_state(bool playing, double time_s);
  void page_video_end(const std::string& message);
  void page_export_frame(SourceFrame frame);  // a page-driven export: every frame, in order
  void page_export_done(bool cancelled, const std::string& message);
  std::string state_json() const;         // for tests and the page
  // A page-encoded parallax export (web/parallax.js): frame `index` as RGBA (valid until the next
  // call), null when cancelled or out of order; then the page says how it ended.
  const uint8_t* page_parallax_frame(int index, int* width, int* height);
  void page_parallax_done(bool cancelled, const std::string& message);

 private:
  friend class ScriptRunner;
  enum class Pace { continuous, busy, video, settling, on_events };  // see App::pace
  Pace pace() const;
  double pace_interval_ms(Pace pace) const;
  void poll_job();
  void preload_model();
  static size_t inference_threads();
  depth::EngineOptions engine_options() const;
  void start_estimate();
  void handle_camera_input();
  void update_ui_scale();
  void refresh_preview();
  // The panels where the layout puts them (app_layout.cpp).
  void update_layout();
  void draw_panels();
  void draw_controls_window();
  void draw_depth_window();
  void draw_sheet();
  void draw_sheet_button();
  void record_windows();
  void apply_touch_motion();
  void reset_camera();                    // head-on, the photo fitting the 3D view
  bool on_view(float x, float y) const;   // a point of the 3D view, not of a panel
  nlohmann::json layout_json() const;
  float text_scale() const { return touch_screen_ ? 16.0f / 13.0f : 1.0f; }
  void draw_controls_body();
  void draw_depth_body(float max_width, float max_height);
  const char* depth_title() const;
  void draw_memory_note();
  void draw_model_section();
  void draw_variant_menu(const depth::ModelInfo& model);
  void draw_view_section();
  void draw_export_section();
  void export_outputs(const std::string& dir);
  void save_screenshot(const std::string& path);
  void report_error(const std::string& message);
  // The model setup for this device's memory (app_memory.cpp).
  ModelSetup device_setup(const depth::ModelInfo& model) const;
  depth::ModelInfo resolve_model(int* input_size) const;  // the model to run and its input short side
  bool variant_available(const depth::ModelInfo& model, const std::string& variant) const;
  void step_down_after_out_of_memory(const std::string& message);
  nlohmann::json setup_json() const;
  const depth::DepthMap& shown_depth() const;  // stabilised or per-frame for videos
  // Measured depth beside the model's (app_measured.cpp): which map the views show.
  enum class MeasuredView { model, measured, fused, error };
  void set_measured_view(MeasuredView view);
  void show_result();                     // the result's chosen depth into the relief and previews
  void draw_measured_section();
  bool showing_measured() const;          // a photo's measured, fused or error view
  static std::vector<uint8_t> error_heat_rgb(const depth::DepthMap& relative_error);
  void export_measured(const std::string& stem, int* written);
  nlohmann::json measured_json() const;
  void poll_video();
  void take_video_result(DepthResult result);
  void submit_video_frame(SourceFrame frame, bool for_export);
  void draw_video_section();
  void start_video_export(const std::string& kind);
  void cancel_video_export();
  // The 3D photo's exports (app_parallax.cpp).
  scene::ParallaxOptions parallax_options() const;
  std::shared_ptr<const scene::LayeredDepth> export_layers();
  void draw_parallax_section();
  void start_parallax_export(const std::string& format, const std::string& dir);
  void step_parallax_export();
  void cancel_parallax_export();
  void show_parallax_progress();
  void finish_parallax_export(bool cancelled, const std::string& message);
#ifdef DV_APP_DOWNLOADS
  // The chosen model's file when it is not installed but has a download (the Download button).
  std::optional<depth::DownloadPlan> download_offer() const;
  bool start_download();                  // false: nothing to download, or one is running
  void poll_download();
  void draw_download();
  bool downloading() const;               // running, or its outcome not handled yet
  std::unique_ptr<ModelFetch> fetch_;
#endif

  GLFWwindow* window_;
  AppPaths paths_;
  ViewerSettings settings_;
  std::unique_ptr<depth::ModelCatalog> catalog_;
  std::string catalog_error_;
  DepthJob job_;
  ReliefView relief_;
  OrbitCamera camera_;
  ScriptRunner script_;
  FrameStats stats_;
  // The current photo and its depth.
  std::vector<uint8_t> photo_bytes_;
  std::string photo_name_;
  std::vector<uint8_t> sensor_bytes_;     // the depth file dropped with the photo
  std::string sensor_name_;
  MeasuredView measured_view_ = MeasuredView::fused;
  depth::DepthMap measured_shown_;        // normalised (bright = near) map of the measured or fused view
  float measured_near_ = 0, measured_far_ = 0;
  std::unique_ptr<DepthResult> result_;
  GLuint photo_preview_ = 0, depth_preview_ = 0;
  bool preview_dirty_ = false;
  float compare_ = 0.5f;                  // before/after split in the depth window
  std::string error_, status_;
  std::string model_note_;                // the loaded model's assumptions (a file not in the manifest)
  char open_path_[1024] = "";             // native path field
  std::string pending_screenshot_;
  float ui_scale_ = 0.0f;
  bool styled_for_touch_ = false;         // the style of ui_scale_ has touch-sized targets
  // The device and the model setup for its memory.
  bool touch_screen_ = false;
  double memory_gb_ = 0;
  std::optional<std::pair<std::string, ModelSetup>> memory_setup_;  // model id, setup after a failure
  std::string memory_note_;
  std::optional<depth::ModelInfo> last_model_;  // what the last request ran...
  int last_input_size_ = 0;                     // ...at this input short side (0 = the model's)
  // Panels and touch.
  Layout layout_;
  Rect laid_out_;                         // the display the windows were last placed for
  bool relayout_ = true;                  // place the wide layout's windows again this frame
  bool sheet_open_ = true;                // compact layouts
  int sheet_tab_ = 0;                     // 0 controls, 1 depth
  bool select_tab_ = false;               // make sheet_tab_ the selected tab this frame
  struct WindowBox {
    std::string name;
    Rect rect;
    bool overflow_x = false;              // something in it is wider than the window (clipped)
  };
  std::vector<WindowBox> windows_;        // the last frame's panels
  float min_target_px_ = 0;               // the last frame's smallest frame height (touch target)
  TouchGestures touch_;
  double touch_clock_offset_ms_ = 0;      // now_ms() minus the touch events' clock
  double time_ = 0.0;
  bool quit_ = false, settings_dirty_ = false;
  int frames_ = 0, depth_frames_ = 0;     // frames drawn; frames since the depth arrived
  double upload_ms_ = 0;  // the last result's mesh and textures
  double last_frame_ms_ = 0, last_event_ms_ = 0;
  double draw_ms_ = 0;                    // the last frame's time to draw and present
  bool window_event_ = false;
  bool busy_at_frame_ = false;            // job_.busy() when the last frame began
  Pace pace_ = Pace::continuous;          // at the last frame_due(): of the frame being drawn
  std::string gl_renderer_;
  bool software_gl_ = false;  // llvmpipe, SwiftShader: drawing takes CPU time from the model
  double opened_at_ms_ = 0, open_to_relief_ms_ = -1;  // photo given -> first relief frame drawn
  // The video being shown (null: a photo), and what happened to its frames.
  std::unique_ptr<VideoSource> video_;
  PageVideoSource* page_video_ = nullptr;  // video_ when the page feeds it
  struct VideoCounters {
    int64_t frames_in = 0, frames_depth = 0, dropped = 0;
    double depth_fps = 0, last_depth_ms = 0, stabiliser_ms = 0;
    bool new_stream = true;
  } video_stats_;
  struct VideoExport {
    bool running = false, page = false;
    std::string kind;
    int64_t done = 0, total = -1;
  } video_export_;
  struct ParallaxExport {
    bool running = false, page = false, cancel = false;
    std::string format, path, outcome;  // outcome of the last: done, cancelled, failed
    int done = 0, total = 0;
    std::shared_ptr<const scene::LayeredDepth> layers;
    std::unique_ptr<scene::ParallaxRenderer> renderer;
    std::unique_ptr<scene::ParallaxFileWriter> writer;  // native, and WebP in the page
    std::vector<uint8_t> rgba;                          // the frame handed to the page
  } parallax_;
};

}  // namespace dv::app
