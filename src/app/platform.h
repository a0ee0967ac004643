// What differs between the desktop and the browser, behind one small interface: where settings
// live, how exported files reach the user, the canvas size and pixel ratio, and the page's hooks.
#pragma once

#include <cstdint>
#include <string>

struct GLFWwindow;

namespace dv::app {

// Settings as a JSON string: ~/.config/depthview/viewer.json natively, localStorage in the browser.
std::string load_settings_text();
void save_settings_text(const std::string& text);

// A file the app wrote (natively it is already where the user asked; in the browser it is in the
// in-memory file system and becomes a download named `download_name`).
void deliver_file(const std::string& path, const std::string& download_name);
// Whether exports are written to a folder the user chooses (native) or downloaded (browser).
bool exports_to_folder();

// Browser: keeps the canvas at its CSS size x devicePixelRatio (the GLFW port ignores the ratio
// and turns glfwSetWindowSize into fullscreen requests). Returns the UI scale to use.
float sync_canvas_and_scale(GLFWwindow* window);

// Browser: asks the page to show a file picker — "photo" (the phone's gallery: image/*),
// "camera" (image/* with capture) or "any" (photos, videos, models) — / tells it a frame was
// drawn. Native: nothing.
void request_file_picker(const std::string& kind);
// Browser: asks the page to download a variant of a model of the manifest (it calls
// dv_app_models_changed and dv_app_set_model when the file is stored). Native: false (models are
// files the user installs).
bool request_model_download(const std::string& id, const std::string& variant);
void notify_frame_drawn();

// Browser: a command for the page's video (web/video.js): "play", "pause", "seek" (value = seconds),
// "close", "camera", "export-depth", "export-sbs", "cancel-export". Native: nothing (the app's own
// sources take them).
void video_command(const std::string& command, double value);
// Browser: the depth picture (RGB, width x height) of frame `index` of a page-driven export.
void deliver_export_frame(int64_t index, int width, int height, const uint8_t* rgb);

// Browser: asks the page (web/parallax.js) to encode a parallax export (`format` parallax-mp4,
// parallax-webm or sbs-video) of `frames` frames, width x height, at `fps`, as download `name`; it
// fetches each frame with dv_app_parallax_frame and ends with dv_app_parallax_done. Native: nothing.
void page_parallax_command(const std::string& format, const std::string& name, int width, int height, float fps,
                           int frames);

// The renderer behind the GL context (the unmasked WebGL renderer in the browser), e.g.
// "llvmpipe (LLVM 15.0.6, 256 bits)" or "ANGLE (..., SwiftShader driver)".
std::string gl_renderer();

}  // namespace dv::app
