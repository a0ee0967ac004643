// depthview viewer: one main loop for the desktop (GLFW + OpenGL 3.3) and the browser (Emscripten's
// GLFW port + WebGL2), in the manner of Dear ImGui's example_glfw_opengl3.
//
//   depthview-viewer [PHOTO] [--model ID|FILE] [--variant V] [--export-dir DIR] [--script "open a.jpg; wait-depth; shot
//   a.png; quit"]
//                    [--width W] [--height H] [--no-vsync] [--models-json FILE] [--hub URL]
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>
#include <CLI/CLI.hpp>

#include "app/app.h"
#include "app/gl.h"
#ifndef __EMSCRIPTEN__
#include "depth/model_download.h"
#endif

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#define DV_EXPORT EMSCRIPTEN_KEEPALIVE
#else
#define DV_EXPORT
#endif

namespace {

dv::app::App* g_app = nullptr;  // for the GLFW drop callback and the page's entry points
// What the page says of the device before main() made the app (it runs first).
struct {
  double memory_gb = 0;
  bool touch_screen = false;
} g_device;

void on_drop(GLFWwindow*, int count, const char** paths) {
  // The browser's GLFW port writes dropped files into its in-memory file system first.
  if (count > 0 && g_app) g_app->open_files(std::vector<std::string>(paths, paths + count));
}

// Any input or window change wakes the app (ImGui's backend installs its callbacks after these and
// calls them on). One generic lambda converts to each callback's type.
constexpr auto on_window_event = [](GLFWwindow*, auto...) {
  if (g_app) g_app->note_window_event();
};

void watch_window_events(GLFWwindow* window) {
  glfwSetCursorPosCallback(window, on_window_event);
  glfwSetCursorEnterCallback(window, on_window_event);
  glfwSetMouseButtonCallback(window, on_window_event);
  glfwSetScrollCallback(window, on_window_event);
  glfwSetKeyCallback(window, on_window_event);
  glfwSetCharCallback(window, on_window_event);
  glfwSetWindowFocusCallback(window, on_window_event);
  glfwSetFramebufferSizeCallback(window, on_window_event);
  glfwSetWindowRefreshCallback(window, on_window_event);
  glfwSetWindowIconifyCallback(window, on_window_event);
}

void main_loop(void* window_ptr) {
  auto* window = static_cast<GLFWwindow*>(window_ptr);
  glfwPollEvents();
#ifndef __EMSCRIPTEN__
  // Minimised: nothing to draw until the window comes back (as in ImGui's example_glfw_opengl3).
  if (glfwGetWindowAttrib(window, GLFW_ICONIFIED)) {
    glfwWaitEvents();
    return;
  }
#endif
  if (!g_app->frame_due()) {
#ifndef __EMSCRIPTEN__
    // The browser calls again at the next animation frame; natively, sleep until input or the
    // next due frame.
    const double wait_s = g_app->seconds_until_frame_due();
    if (std::isinf(wait_s)) glfwWaitEvents();
    else glfwWaitEventsTimeout(wait_s);
#endif
    return;
  }
  g_app->frame();
  glfwSwapBuffers(window);
  g_app->frame_presented();
}

dv::app::AppPaths default_paths(const std::string& models_json, const std::string& hub) {
#ifdef __EMSCRIPTEN__
  (void)models_json, (void)hub;
  return {"/models/models.json", {"/models"}, "", "", ""};  // the page stores models there
#else
  const std::string manifest = dv::depth::native_manifest_path(models_json);
  return {manifest, dv::depth::native_model_dirs(manifest), "", hub, ""};
#endif
}

}  // namespace

// A frame the page hands over (RGBA) as the app's RGB frame; an invalid size gives an empty frame,
// which the depth job reports.
static dv::app::SourceFrame rgba_frame(const uint8_t* rgba, int width, int height, double time_s, int index) {
  dv::app::SourceFrame f;
  if (!rgba || width <= 0 || height <= 0 || int64_t(width) * height > 100'000'000) return f;
  f.image = {width, height, std::vector<uint8_t>(size_t(width) * size_t(height) * 3)};
  for (size_t i = 0; i < size_t(width) * size_t(height); ++i)
    std::copy_n(&rgba[i * 4], 3, &f.image.rgb[i * 3]);
  f.time_s = time_s;
  f.index = index;
  return f;
}

// Entry points for the web page (web/app.js) and tests.
extern "C" {
DV_EXPORT void dv_app_open_bytes(const uint8_t* data, int size, const char* name) {
  if (g_app) g_app->open_photo_bytes(std::vector<uint8_t>(data, data + size), name);
}
// Two files dropped or picked together (web/app.js): a photo and its depth file, in either order.
DV_EXPORT void dv_app_open_two(const uint8_t* a, int size_a, const char* name_a, const uint8_t* b, int size_b,
                               const char* name_b) {
  if (g_app)
    g_app->open_two_files(std::vector<uint8_t>(a, a + size_a), name_a, std::vector<uint8_t>(b, b + size_b), name_b);
}
DV_EXPORT void dv_app_models_changed() {
  if (g_app) g_app->reload_models();
}
DV_EXPORT void dv_app_set_model(const char* id, const char* variant) {
  if (g_app) g_app->set_model(id, variant ? variant : "");
}
DV_EXPORT void dv_app_run_script(const char* script) {
  if (g_app) g_app->run_script(script);
}
// The page's video or camera (web/video.js): frames are RGBA, converted to the app's RGB here.
DV_EXPORT void dv_app_video_open(const char* name, int width, int height, double fps, double duration_s,
                                 int frame_count, int is_camera) {
  if (!g_app) return;
  dv::app::VideoStatus st;
  st.name = name ? name : "video";
  st.camera = is_camera != 0;
  st.playing = true;
  st.fps = fps;
  st.duration_s = duration_s;
  st.frame_count = frame_count;
  (void)width, (void)height;  // each frame says its size
  g_app->page_video_open(std::move(st));
}
DV_EXPORT void dv_app_video_frame(const uint8_t* rgba, int width, int height, double time_s, int index) {
  if (g_app) g_app->page_video_frame(rgba_frame(rgba, width, height, time_s, index));
}
DV_EXPORT void dv_app_video_state(int playing, double time_s) {
  if (g_app) g_app->page_video_state(playing != 0, time_s);
}
DV_EXPORT void dv_app_video_end(const char* message) {
  if (g_app) g_app->page_video_end(message ? message : "");
}
DV_EXPORT void dv_app_video_export_frame(const uint8_t* rgba, int width, int height, int index) {
  if (g_app) g_app->page_export_frame(rgba_frame(rgba, width, height, 0.0, index));
}
DV_EXPORT void dv_app_video_export_done(int cancelled, const char* message) {
  if (g_app) g_app->page_export_done(cancelled != 0, message ? message : "");
}
// A page-encoded parallax export (web/parallax.js): frame `index` as RGBA, its size through the
// two ints at `size` (0 = none: cancelled), then how it ended.
DV_EXPORT const uint8_t* dv_app_parallax_frame(int index, int* size) {
  return g_app ? g_app->page_parallax_frame(index, &size[0], &size[1]) : nullptr;
}
DV_EXPORT void dv_app_parallax_done(int cancelled, const char* message) {
  if (g_app) g_app->page_parallax_done(cancelled != 0, message ? message : "");
}
// The device (web/app.js): navigator.deviceMemory in GB (0 = unknown) and a coarse pointer.
DV_EXPORT void dv_app_set_device(double memory_gb, int touch_screen) {
  g_device = {memory_gb, touch_screen != 0};
  if (g_app) g_app->set_device(memory_gb, touch_screen != 0);
}
// The variant of a model of the manifest that suits this device ("" = its default).
DV_EXPORT const char* dv_app_preferred_variant(const char* id) {
  static std::string variant;
  variant = g_app && id ? g_app->preferred_variant(id) : "";
  return variant.c_str();
}
// The fingers on the canvas (web/touch.js) at the event's time (ms, the page's clock): `count` of
// them, the first two with their ids and framebuffer positions; count 0 when the last one lifted.
DV_EXPORT void dv_app_touch(double time_ms, int count, int id0, float x0, float y0, int id1, float x1, float y1) {
  if (!g_app) return;
  std::vector<dv::app::TouchPoint> touches;
  if (count > 0) touches.push_back({id0, x0, y0});
  if (count > 1) touches.push_back({id1, x1, y1});
  g_app->touch_event(touches, time_ms);
}
DV_EXPORT const char* dv_app_state() {
  static std::string state;
  state = g_app ? g_app->state_json() : "{}";
  return state.c_str();
}
}

int main(int argc, char** argv) {
  CLI::App cli{"depthview viewer: photo -> depth map and 3D relief"};
  std::string photo, model, variant, script, export_dir, models_json, hub;
  int width = 1280, height = 800;
  bool no_vsync = false;
  cli.add_option("photo", photo, "photo to open");
  cli.add_option("--model", model, "model id or model file (default: the last one used, else the best installed)");
  cli.add_option("--variant", variant, "variant of the model id, e.g. fp16 (default: the manifest's default)");
  cli.add_option("--export-dir", export_dir, "folder for exports and screenshots");
  cli.add_option("--script", script, "commands for scripted runs (see src/app/script.h)");
  cli.add_option("--width", width, "window width")->check(CLI::Range(320, 8192));
  cli.add_option("--height", height, "window height")->check(CLI::Range(240, 8192));
  cli.add_flag("--no-vsync", no_vsync, "draw as fast as possible (frame-time measurements)");
#ifndef __EMSCRIPTEN__
  cli.add_option("--models-json", models_json,
                 "model manifest (default: $DEPTHVIEW_MODELS_JSON, else models/models.json)");
  cli.add_option("--hub", hub,
                 "download models from this base URL + '/' + file (default: $DEPTHVIEW_MODEL_HUB, else the "
                 "manifest's)");
#endif
  CLI11_PARSE(cli, argc, argv);

  glfwSetErrorCallback([](int code, const char* text) { std::fprintf(stderr, "GLFW error %d: %s\n", code, text); });
  if (!glfwInit()) return 1;
#ifdef __EMSCRIPTEN__
  const char* glsl_version = "#version 300 es";
  glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
#else
  const char* glsl_version = "#version 330 core";
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GL_TRUE);
#endif
  GLFWwindow* window = glfwCreateWindow(width, height, "depthview", nullptr, nullptr);
  if (!window) {
    std::fprintf(stderr, "depthview: cannot open an OpenGL 3.3 / WebGL2 window\n");
    return 1;
  }
  glfwMakeContextCurrent(window);
  glfwSwapInterval(no_vsync ? 0 : 1);
  glfwSetDropCallback(window, on_drop);
  watch_window_events(window);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;  // the app remembers its own settings
#ifndef __EMSCRIPTEN__
  ImGui::GetIO().ConfigInputTextCursorBlink = false;  // a blinking cursor would need frames while idle
#endif
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init(glsl_version);

  dv::app::AppPaths paths = default_paths(models_json, hub);
  paths.export_dir = export_dir;
  auto app = std::make_unique<dv::app::App>(window, paths);
  std::string error;
  if (!app->init(&error)) {
    std::fprintf(stderr, "depthview: %s\n", error.c_str());
    return 1;
  }
  g_app = app.get();
  app->set_device(g_device.memory_gb, g_device.touch_screen);
  if (!model.empty()) app->set_model(model, variant);
  if (!photo.empty()) app->open_photo_file(photo);
  if (!script.empty()) app->run_script(script);

#ifdef __EMSCRIPTEN__
  // The browser owns the loop; the app lives for the page's lifetime.
  app.release();
  emscripten_set_main_loop_arg(main_loop, window, 0, false);
#else
  while (!glfwWindowShouldClose(window) && !app->should_quit()) main_loop(window);
  g_app = nullptr;
  app.reset();
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  glfwTerminate();
#endif
  return 0;
}
