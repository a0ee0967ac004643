#include "app/platform.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "app/gl.h"

#ifdef __EMSCRIPTEN__
#include <emscripten.h>

// The page (web/app.js) defines globalThis.depthview with the hooks used here. (Double quotes
// only: EM_JS bodies pass through the C preprocessor.)
EM_JS(char*, dv_js_load_settings, (), {
  const text = localStorage.getItem("depthview.settings") || "";
  return stringToNewUTF8(text);
});
EM_JS(void, dv_js_save_settings, (const char* text),
      { localStorage.setItem("depthview.settings", UTF8ToString(text)); });
EM_JS(void, dv_js_download, (const char* path, const char* name), {
  const p = UTF8ToString(path), n = UTF8ToString(name);
  const data = FS.readFile(p);
  FS.unlink(p);
  if (globalThis.depthview && globalThis.depthview.download) globalThis.depthview.download(data, n);
});
// Canvas size = CSS size x devicePixelRatio, set through Browser.setCanvasSize (the GLFW port's
// glfwSetWindowSize would request fullscreen instead). Returns the pixel ratio.
EM_JS(double, dv_js_sync_canvas, (), {
  const dpr = globalThis.devicePixelRatio || 1;
  const rect = Module.canvas.getBoundingClientRect();
  const w = Math.round(rect.width * dpr), h = Math.round(rect.height * dpr);
  if (w > 0 && h > 0 && (Module.canvas.width != w || Module.canvas.height != h)) Browser.setCanvasSize(w, h);
  return dpr;
});
EM_JS(void, dv_js_open_picker, (const char* kind), {
  if (globalThis.depthview && globalThis.depthview.openPicker) globalThis.depthview.openPicker(UTF8ToString(kind));
});
EM_JS(int, dv_js_request_model, (const char* id, const char* variant), {
  if (!(globalThis.depthview && globalThis.depthview.requestModel)) return 0;
  globalThis.depthview.requestModel(UTF8ToString(id), UTF8ToString(variant));
  return 1;
});
EM_JS(char*, dv_js_gl_renderer, (), {
  const ext = GLctx.getExtension("WEBGL_debug_renderer_info");
  return stringToNewUTF8(String(GLctx.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : GLctx.RENDERER) || ""));
});
EM_JS(void, dv_js_video_command, (const char* command, double value), {
  if (globalThis.depthview && globalThis.depthview.videoCommand)
    globalThis.depthview.videoCommand(UTF8ToString(command), value);
});
// The page copies the pixels during the call (they are the module's memory).
EM_JS(void, dv_js_export_frame, (double index, int width, int height, const uint8_t* rgba), {
  if (globalThis.depthview && globalThis.depthview.onExportFrame)
    globalThis.depthview.onExportFrame(index, rgba, width, height);
});
EM_JS(void, dv_js_parallax_export, (const char* format, const char* name, int width, int height, double fps, int frames), {
  if (globalThis.depthview && globalThis.depthview.parallaxExport)
    globalThis.depthview.parallaxExport(UTF8ToString(format), UTF8ToString(name), width, height, fps, frames);
  else
    Module._dv_app_parallax_done(0, stringToNewUTF8("this page cannot encode videos (web/parallax.js is missing)"));
});
EM_JS(void, dv_js_frame, (), {
  if (globalThis.depthview && globalThis.depthview.onFrame) globalThis.depthview.onFrame();
});
#endif

namespace dv::app {

#ifdef __EMSCRIPTEN__

std::string load_settings_text() {
  char* text = dv_js_load_settings();
  std::string out(text);
  std::free(text);
  return out;
}
void save_settings_text(const std::string& text) { dv_js_save_settings(text.c_str()); }
void deliver_file(const std::string& path, const std::string& download_name) {
  dv_js_download(path.c_str(), download_name.c_str());
}
bool exports_to_folder() { return false; }

float sync_canvas_and_scale(GLFWwindow*) { return float(dv_js_sync_canvas()); }

void request_file_picker(const std::string& kind) { dv_js_open_picker(kind.c_str()); }
bool request_model_download(const std::string& id, const std::string& variant) {
  return dv_js_request_model(id.c_str(), variant.c_str()) != 0;
}
void notify_frame_drawn() { dv_js_frame(); }
void video_command(const std::string& command, double value) { dv_js_video_command(command.c_str(), value); }
void page_parallax_command(const std::string& format, const std::string& name, int width, int height, float fps,
                           int frames) {
  dv_js_parallax_export(format.c_str(), name.c_str(), width, height, double(fps), frames);
}
void deliver_export_frame(int64_t index, int width, int height, const uint8_t* rgb) {
  std::vector<uint8_t> rgba(size_t(width) * size_t(height) * 4, 255);
  for (size_t i = 0; i < size_t(width) * size_t(height); ++i) std::copy_n(&rgb[i * 3], 3, &rgba[i * 4]);
  dv_js_export_frame(double(index), width, height, rgba.data());
}
std::string gl_renderer() {
  char* text = dv_js_gl_renderer();
  std::string out(text);
  std::free(text);
  return out;
}

#else

namespace {
std::filesystem::path settings_path() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  const char* home = std::getenv("HOME");
  const std::filesystem::path base = xdg && *xdg ? xdg : std::filesystem::path(home ? home : ".") / ".config";
  return base / "depthview" / "viewer.json";
}
}  // namespace

std::string load_settings_text() {
  std::ifstream in(settings_path());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void save_settings_text(const std::string& text) {
  std::error_code ec;
  std::filesystem::create_directories(settings_path().parent_path(), ec);
  std::ofstream(settings_path()) << text;  // best effort: a read-only home only loses settings
}

void deliver_file(const std::string&, const std::string&) {}
bool exports_to_folder() { return true; }

float sync_canvas_and_scale(GLFWwindow* window) {
  float x = 1.0f, y = 1.0f;
  glfwGetWindowContentScale(window, &x, &y);
  return x;
}

void request_file_picker(const std::string&) {}
bool request_model_download(const std::string&, const std::string&) { return false; }
void notify_frame_drawn() {}
void video_command(const std::string&, double) {}
void page_parallax_command(const std::string&, const std::string&, int, int, float, int) {}
void deliver_export_frame(int64_t, int, int, const uint8_t*) {}
std::string gl_renderer() {
  const auto* name = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
  return name ? name : "";
}

#endif

}  // namespace dv::app
