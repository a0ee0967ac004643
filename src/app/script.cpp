#include "app/script.h"
#include "app/clock.h"

#include <cstdio>
#include <sstream>

#include "app/app.h"
#ifdef DV_APP_DOWNLOADS
#include "app/model_fetch.h"
#endif

namespace dv::app {

void ScriptRunner::load(const std::string& script) {
  commands_.clear();
  next_ = 0;
  wait_frames_ = 0;
  std::stringstream all(script);
  std::string command;
  while (std::getline(all, command, ';')) {
    std::stringstream words(command);
    std::vector<std::string> w;
    for (std::string word; words >> word;) w.push_back(word);
    if (!w.empty()) commands_.push_back(w);
  }
}

void ScriptRunner::step(App& app) {
  if (!app.pending_screenshot_.empty()) return;  // a screenshot shows the state before what follows
  if (wait_frames_ > 0) {
    --wait_frames_;
    return;
  }
  // After `shot`, the rest waits for the next frame: the screenshot shows the state before it.
  while (next_ < commands_.size() && wait_frames_ == 0 && app.pending_screenshot_.empty()) {
    if (!run(app, commands_[next_])) return;
    ++next_;
  }
}

#ifdef DV_APP_DOWNLOADS
bool ScriptRunner::download_reached(const App& app, float fraction) {
  if (!app.downloading()) return true;
  if (fraction >= 1.0f || !app.fetch_->running()) return false;
  const depth::DownloadProgress p = app.fetch_->progress();
  return p.total > 0 && double(p.bytes) >= double(fraction) * double(p.total);
}
#endif

bool ScriptRunner::run(App& app, const std::vector<std::string>& w) {
  const std::string& cmd = w[0];
  auto arg = [&](size_t i) { return i < w.size() ? w[i] : std::string(); };
  auto num = [&](size_t i) { return i < w.size() ? std::stof(w[i]) : 0.0f; };
  try {
    if (cmd == "open") app.open_photo_file(arg(1));
    else if (cmd == "drop") app.open_files(std::vector<std::string>(w.begin() + 1, w.end()));
    else if (cmd == "model") app.set_model(arg(1), arg(2));
    else if (cmd == "wait-depth") return !app.job_.busy() && app.frames_ > 0;
#ifdef DV_APP_DOWNLOADS
    else if (cmd == "download") {
      if (!app.start_download()) app.report_error("script: download: nothing to download (installed, or no download)");
    } else if (cmd == "wait-download") return download_reached(app, w.size() > 1 ? num(1) : 1.0f);
    else if (cmd == "cancel-download") {
      if (app.fetch_) app.fetch_->cancel();  // as its Cancel button does
    }
#endif
    else if (cmd == "frames") wait_frames_ = int(num(1));
    else if (cmd == "shot") app.pending_screenshot_ = arg(1);
    else if (cmd == "orbit") app.camera_.orbit(num(1), num(2));
    else if (cmd == "zoom") app.camera_.zoom(num(1));
    else if (cmd == "export") app.export_outputs(arg(1));
    else if (cmd == "formats") {
      std::vector<std::string> formats;
      std::stringstream list(arg(1));
      for (std::string f; std::getline(list, f, ',');) formats.push_back(f);
      app.settings_.export_formats = formats;
    } else if (cmd == "stats") std::printf("depthview: %s\n", app.stats_.summary().c_str());
    else if (cmd == "state") std::printf("depthview: state %s\n", app.state_json().c_str());
    else if (cmd == "quit") app.quit_ = true;
    else if (cmd == "sheet") {
      app.sheet_open_ = arg(1) != "hide";
      app.sheet_tab_ = arg(1) == "depth" ? 1 : 0;
      app.select_tab_ = true;
    } else if (cmd == "touch") {
      std::vector<TouchPoint> touches;
      for (size_t i = 1; i + 1 < w.size() && touches.size() < 2; i += 2)
        touches.push_back({int(touches.size()), num(i), num(i + 1)});
      app.touch_event(touches, now_ms());
    } else if (cmd == "touch-end") app.touch_event({}, now_ms());
    else if (cmd == "video") app.open_video_file(arg(1));
    else if (cmd == "camera") app.open_camera();
    else if (cmd == "play" && app.video_) app.video_->play();
    else if (cmd == "pause" && app.video_) app.video_->pause();
    else if (cmd == "seek" && app.video_) app.video_->seek(num(1)), app.video_stats_.new_stream = true;
    else if (cmd == "wait-video") return !app.video_ || app.video_->status().ended || app.video_stats_.frames_depth >= int64_t(num(1));
    else if (cmd == "export-video") app.start_video_export(arg(1));
    else if (cmd == "wait-export") return !app.video_export_.running;
    else if (cmd == "export-parallax")
      app.start_parallax_export(arg(1), w.size() > 2 ? arg(2) : app.settings_.export_dir);
    else if (cmd == "wait-parallax") return !app.parallax_.running || (w.size() > 1 && app.parallax_.done >= int(num(1)));
    else if (cmd == "cancel-parallax") app.cancel_parallax_export();
    else if (cmd == "set") {
      ReliefSettings& r = app.settings_.relief;
      const std::string key = arg(1), value = arg(2);
      if (key == "view") r.points = value == "points";
      else if (key == "wireframe") r.wireframe = value == "1";
      else if (key == "lit") r.lit = value == "1";
      else if (key == "wiggle") r.wiggle = value == "1";
      else if (key == "layered") r.layered = value == "1";
      else if (key == "mesh") r.mesh_side = int(num(2));
      else if (key == "cut") r.cut = num(2);
      else if (key == "scale") r.depth_scale = num(2);
      else if (key == "colormap") app.settings_.colormap = value, app.preview_dirty_ = true;
      else if (key == "size")
        app.settings_.input_size = int(num(2)), app.settings_dirty_ = true;
      else if (key == "stabilise")
        app.settings_.stabilise = value == "1", app.preview_dirty_ = true;
      else if (key == "depth-view")
        app.set_measured_view(value == "model"      ? App::MeasuredView::model
                              : value == "measured" ? App::MeasuredView::measured
                              : value == "error"    ? App::MeasuredView::error
                                                    : App::MeasuredView::fused);
      else if (key == "sensor-preset")
        app.settings_.sensor_preset = value, app.start_estimate();
      else if (key == "parallax-path") app.settings_.parallax_path = value;
      else if (key == "parallax-keys") {  // keys apart by spaces (';' ends a command)
        app.settings_.parallax_keys.clear();
        for (size_t i = 2; i < w.size(); ++i) app.settings_.parallax_keys += (i > 2 ? " " : "") + w[i];
      }
      else if (key == "parallax-seconds") app.settings_.parallax_seconds = num(2);
      else if (key == "parallax-fps") app.settings_.parallax_fps = num(2);
      else if (key == "parallax-size") app.settings_.parallax_long_side = int(num(2));
      else if (key == "eye-distance") app.settings_.eye_distance = num(2);
      else if (key == "touch") app.set_device(app.memory_gb_, value == "1");
      else if (key == "int8")
        app.settings_.int8 = value == "1", app.set_model(app.settings_.model, app.settings_.variant);
      else app.report_error("script: unknown setting '" + key + "'");
    } else {
      app.report_error("script: unknown command '" + cmd + "'");
    }
  } catch (const std::exception& e) {
    app.report_error("script: " + cmd + ": " + e.what());
  }
  std::fflush(stdout);
  return true;
}

}  // namespace dv::app
