// The 3D photo's exports in the viewer: parallax animations and the side-by-side video
// (scene/parallax_export.h), one frame drawn per UI frame so the window stays live (progress,
// Cancel); and the layered GLB and stereo images (scene/outputs_3d.h). All use the viewer's
// layers (at most kLayeredSide a side). In the browser, MP4 / WebM / side-by-side are encoded by
// the page with WebCodecs (web/parallax.js), which asks for the frames one by one; WebP is made
// here as natively.
#include <algorithm>
#include <cstdio>
#include <filesystem>

#include <imgui.h>

#include "app/app.h"
#include "app/widgets.h"
#include "app/platform.h"
#include "depth/image.h"

namespace dv::app {

namespace fs = std::filesystem;

namespace {

// The page encodes these itself (web/parallax.js); the others are written by the app.
bool page_encodes(const std::string& format) {
#ifdef __EMSCRIPTEN__
  return format != "parallax-webp";
#else
  (void)format;
  return false;
#endif
}

// Every parallax output the viewer offers in this build.
std::vector<std::string> offered_formats() {
  std::vector<std::string> f = scene::parallax_output_formats();
#ifdef __EMSCRIPTEN__
  for (const char* page : {"parallax-mp4", "parallax-webm", "sbs-video"})
    if (std::find(f.begin(), f.end(), page) == f.end()) f.push_back(page);
#endif
  return f;
}

const char* suffix_of(const std::string& format) {
  if (format == "parallax-mp4") return "_parallax.mp4";
  if (format == "parallax-webm") return "_parallax.webm";
  if (format == "parallax-webp") return "_parallax.webp";
  return "_sbs_video.mp4";
}

}  // namespace

scene::ParallaxOptions App::parallax_options() const {
  const ViewerSettings& s = settings_;
  scene::ParallaxOptions o;
  o.path = scene::parse_parallax_path(s.parallax_path);
  o.seconds = s.parallax_seconds, o.fps = s.parallax_fps;
  o.long_side = s.parallax_long_side & ~1;
  o.amplitude = s.parallax_amplitude;
  o.eyes.eye_distance = s.eye_distance;
  o.view.depth_scale = s.relief.depth_scale;
  o.threads = int(inference_threads());
  if (o.path == scene::ParallaxPath::Keyframes) o.keys = scene::parse_camera_keys(s.parallax_keys);
  return o;
}

// The viewer's layers; built now (at most kLayeredSide a side) when the relief shows none.
std::shared_ptr<const scene::LayeredDepth> App::export_layers() {
  if (!result_) return nullptr;
  if (result_->layers) return result_->layers;
  const depth::Image& photo = result_->photo;
  const double scale = std::min(1.0, double(kLayeredSide) / double(std::max(photo.width, photo.height)));
  const int w = std::max(2, int(std::lround(photo.width * scale))), h = std::max(2, int(std::lround(photo.height * scale)));
  scene::LayeredOptions options;
  options.inpaint.threads = int(inference_threads());
  auto layers = scene::build_layered_depth(depth::resize_image(photo, w, h), depth::resize(result_->estimate.depth, w, h), options);
  return layers ? std::make_shared<const scene::LayeredDepth>(std::move(*layers)) : nullptr;
}

void App::start_parallax_export(const std::string& format, const std::string& dir) {
  if (!result_ || parallax_.running) return;
  const std::string stem = (fs::path(dir) / fs::path(result_->photo_name).stem()).string() + "_depth";
  try {
    scene::ParallaxOptions o = parallax_options();
    o.stereo = format == "sbs-video";
    const depth::Image& photo = result_->photo;
    check_parallax_options(o, photo.width, photo.height);  // 8K, before the layers are built
    parallax_ = ParallaxExport{};
    parallax_.layers = export_layers();
    if (!parallax_.layers) throw std::runtime_error("the 3D photo's layers could not be built");
    parallax_.renderer = std::make_unique<scene::ParallaxRenderer>(*parallax_.layers, o);
    parallax_.format = format;
    parallax_.path = stem + suffix_of(format);
    parallax_.total = parallax_.renderer->frame_count();
    parallax_.page = page_encodes(format);
    if (!parallax_.page) {
      std::error_code ec;
      fs::create_directories(dir, ec);
      parallax_.writer = std::make_unique<scene::ParallaxFileWriter>(parallax_.path, parallax_.renderer->width(),
                                                                     parallax_.renderer->height(), parallax_.renderer->fps());
    }
    parallax_.running = true;
    status_ = "exporting " + fs::path(parallax_.path).filename().string();
    if (parallax_.page)
      page_parallax_command(format, fs::path(parallax_.path).filename().string(), parallax_.renderer->width(),
                            parallax_.renderer->height(), parallax_.renderer->fps(), parallax_.total);
  } catch (const std::exception& e) {
    parallax_ = ParallaxExport{};
    report_error("export " + format + ": " + e.what());
  }
}

void App::step_parallax_export() {
  if (!parallax_.running || parallax_.page) return;
  try {
    parallax_.writer->add(parallax_.renderer->frame(parallax_.done));
    if (++parallax_.done < parallax_.total) return show_parallax_progress();
    parallax_.writer->finish();
    deliver_file(parallax_.path, fs::path(parallax_.path).filename().string());
    finish_parallax_export(false, "");
  } catch (const std::exception& e) {
    parallax_.writer->abandon();
    finish_parallax_export(false, e.what());
  }
}

// In the status line, which shows with the 3D photo's section closed too.
void App::show_parallax_progress() {
  status_ = "exporting " + fs::path(parallax_.path).filename().string() + ": " + std::to_string(parallax_.done) + " / " +
            std::to_string(parallax_.total) + " frames";
}

void App::cancel_parallax_export() {
  if (!parallax_.running) return;
  if (parallax_.page) {
    parallax_.cancel = true;  // the page's next frame request gets none, and it says done
    return;
  }
  parallax_.writer->abandon();
  finish_parallax_export(true, "");
}

void App::finish_parallax_export(bool cancelled, const std::string& message) {
  const std::string name = fs::path(parallax_.path).filename().string();
  const int done = parallax_.done, total = parallax_.total;
  parallax_.running = false;
  parallax_.renderer.reset();
  parallax_.writer.reset();
  parallax_.layers.reset();
  parallax_.outcome = cancelled ? "cancelled" : message.empty() ? "done" : "failed";
  if (!message.empty()) report_error("export " + name + ": " + message);
  else status_ = cancelled ? "export cancelled: no file written" : "exported " + name + " (" + std::to_string(total) + " frames)";
  std::printf("depthview: parallax export %s: %s, %d of %d frames%s%s\n", parallax_.outcome.c_str(), name.c_str(), done,
              total, message.empty() ? "" : ": ", message.c_str());
}

const uint8_t* App::page_parallax_frame(int index, int* width, int* height) {
  if (!parallax_.running || !parallax_.page || parallax_.cancel || index != parallax_.done) return nullptr;
  try {
    const depth::Image f = parallax_.renderer->frame(index);
    parallax_.rgba.resize(size_t(f.width) * size_t(f.height) * 4);
    for (size_t i = 0; i < size_t(f.width) * size_t(f.height); ++i) {
      std::copy_n(&f.rgb[i * 3], 3, &parallax_.rgba[i * 4]);
      parallax_.rgba[i * 4 + 3] = 255;
    }
    *width = f.width, *height = f.height;
    ++parallax_.done;
    show_parallax_progress();
    return parallax_.rgba.data();
  } catch (const std::exception& e) {
    parallax_.cancel = true;
    report_error(std::string("export: ") + e.what());
    return nullptr;
  }
}

void App::page_parallax_done(bool cancelled, const std::string& message) {
  if (parallax_.running && parallax_.page) finish_parallax_export(cancelled || parallax_.cancel, message);
}

void App::draw_parallax_section() {
  if (!ImGui::CollapsingHeader("3D photo: video and stereo")) return;
  ViewerSettings& s = settings_;
  const auto combo = [&](const char* label, std::string& value, const std::vector<std::string>& items) {
    if (!ImGui::BeginCombo(label, value.c_str())) return;
    for (const std::string& item : items)
      if (ImGui::Selectable(item.c_str(), item == value)) value = item, settings_dirty_ = true;
    ImGui::EndCombo();
  };
  ImGui::BeginDisabled(parallax_.running);
  combo("video", s.parallax_format, offered_formats());
  combo("path", s.parallax_path, {"circle", "swing", "dolly-zoom", "keyframes"});
  if (s.parallax_path == "keyframes") {
    char keys[512];
    std::snprintf(keys, sizeof keys, "%s", s.parallax_keys.c_str());
    if (ImGui::InputTextWithHint("keys", "t:x,y,z; ...", keys, sizeof keys)) s.parallax_keys = keys, settings_dirty_ = true;
  }
  settings_dirty_ |= ImGui::SliderFloat("seconds", &s.parallax_seconds, 1.0f, 20.0f, "%.1f");
  settings_dirty_ |= ImGui::SliderFloat("frames/s", &s.parallax_fps, 10.0f, 60.0f, "%.0f");
  settings_dirty_ |= ImGui::SliderInt("longer side", &s.parallax_long_side, 256, 3840);
  settings_dirty_ |= ImGui::SliderFloat("amplitude", &s.parallax_amplitude, 0.02f, 0.4f, "%.2f");
  settings_dirty_ |= ImGui::SliderFloat("eye distance", &s.eye_distance, 0.005f, 0.08f, "%.3f");
  ImGui::EndDisabled();
  ImGui::BeginDisabled(!result_ || parallax_.running);
  const std::string dir = exports_to_folder() ? s.export_dir : "/tmp/depthview-export";
  if (ImGui::Button("Export video")) start_parallax_export(s.parallax_format, dir);
  ImGui::EndDisabled();
  if (parallax_.running) {
    if (widgets::flow_button("Cancel##parallax")) cancel_parallax_export();
    ImGui::ProgressBar(parallax_.total ? float(parallax_.done) / float(parallax_.total) : 0.0f, ImVec2(-1, 0),
                       (std::to_string(parallax_.done) + " / " + std::to_string(parallax_.total) + " frames").c_str());
  }
}

}  // namespace dv::app
