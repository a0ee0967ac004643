// The viewer's video mode: frames from a VideoSource go to the depth job as they come (a frame
// waiting while the model runs is replaced by a newer one, so the view lags at most one frame),
// results animate the depth view and the relief; exports process every frame (natively a task
// on the job's thread, depth/video_export.h; in the browser the page decodes and encodes).
#include <algorithm>
#include <filesystem>
#include <utility>

#include <imgui.h>

#include "app/app.h"
#include "app/clock.h"
#include "app/widgets.h"
#include "app/platform.h"
#include "depth/colormap.h"
#include "depth/video_depth.h"
#ifndef __EMSCRIPTEN__
#include "depth/video_export.h"
#endif

namespace fs = std::filesystem;

namespace dv::app {

namespace {

#ifndef __EMSCRIPTEN__
DepthTask export_task(const std::string& input, const std::string& stem, depth::VideoExportOptions options) {
  return [=](depth::DepthEstimator& estimator, const std::function<bool(double)>& progress) {
    const auto r = depth::export_video(input, stem, estimator, options, [&](int64_t done, int64_t total) {
      return progress(total > 0 ? double(done) / double(total) : 0.0);
    });
    if (r.cancelled) return std::string("export cancelled");
    std::string files;
    for (const auto& f : r.files) {
      if (!files.empty()) files += ", ";
      files += f;
    }
    return std::to_string(r.frames) + " frames exported: " + files;
  };
}
#endif
}  // namespace

const depth::DepthMap& App::shown_depth() const {
  if (showing_measured() && measured_view_ != MeasuredView::model) return measured_shown_;
  const bool raw = result_->frame_index >= 0 && !settings_.stabilise && !result_->raw_depth.values.empty();
  return raw ? result_->raw_depth : result_->estimate.depth;
}

void App::close_video() {
  if (video_export_.running) cancel_video_export();
  if (page_video_) video_command("close", 0);
  video_.reset();
  page_video_ = nullptr;
  video_stats_ = {};
}

void App::open_video_file(const std::string& path) {
#ifdef __EMSCRIPTEN__
  report_error(path + ": videos are opened by the page");
#else
  close_video();
  try {
    video_ = app::open_video_file(path);
    photo_bytes_.clear();
    photo_name_ = path;
    error_.clear();
    status_ = "playing " + video_->status().name;
  } catch (const std::exception& e) {
    report_error(e.what());
  }
#endif
}

void App::open_camera() {
#ifdef __EMSCRIPTEN__
  video_command("camera", 0);
#else
  close_video();
  try {
    video_ = app::open_camera("/dev/video0");
    photo_bytes_.clear();
    error_.clear();
    status_ = "live from " + video_->status().name;
  } catch (const std::exception& e) {
    report_error(e.what());
  }
#endif
}

void App::page_video_open(VideoStatus status) {
  page_video_ = nullptr;  // the page closed its previous video itself; "close" would stop the new one
  close_video();
  photo_bytes_.clear();
  photo_name_ = status.name;
  status_ = (status.camera ? "live from " : "playing ") + status.name;
  error_.clear();
  auto source = std::make_unique<PageVideoSource>(std::move(status));
  page_video_ = source.get();
  video_ = std::move(source);
}

void App::page_video_frame(SourceFrame frame) {
  if (page_video_ && !video_export_.running) page_video_->push(std::move(frame));
}

void App::page_video_state(bool playing, double time_s) {
  if (page_video_) page_video_->set_state(playing, time_s);
}

void App::page_video_end(const std::string& message) {
  if (page_video_) page_video_->end(message);
}

void App::page_export_frame(SourceFrame frame) {
  if (!page_video_) return;
  // The page may start an export itself (its own controls, tests): the app follows.
  if (!video_export_.running) video_export_ = {true, true, "depth", 0, page_video_->status().frame_count};
  submit_video_frame(std::move(frame), true);
}

void App::page_export_done(bool cancelled, const std::string& message) {
  video_export_ = {};
  video_stats_.new_stream = true;
  if (!message.empty()) report_error(message);
  else status_ = cancelled ? "export cancelled" : "export done";
}

void App::submit_video_frame(SourceFrame frame, bool for_export) {
  if (!catalog_) return report_error(catalog_error_);
  DepthRequest request;
  try {
    request.model = catalog_->resolve(settings_.model, settings_.variant);
  } catch (const std::exception& e) {
    return report_error(e.what());
  }
  request.photo_name = video_ ? video_->status().name : "video";
  request.engine = engine_options();
  request.options.edge_aware = settings_.edge_aware;
  request.options.size = settings_.input_size;
  request.frame = std::move(frame.image);
  request.frame_index = frame.index;
  request.for_export = for_export;
  request.new_stream = std::exchange(video_stats_.new_stream, false) || (for_export && frame.index == 0);
  if (for_export) video_stats_.new_stream = true;  // live frames after an export start afresh
  if (job_.submit_frame(std::move(request))) ++video_stats_.dropped;
}

// Each frame: the newest frame of the source goes to the job; a finished stream says why once.
void App::poll_video() {
  if (!video_ || video_export_.running) return;
  int64_t skipped = 0;
  if (auto frame = video_->take_frame(&skipped)) {
    video_stats_.frames_in += 1 + skipped;
    video_stats_.dropped += skipped;
    submit_video_frame(std::move(*frame), false);
  }
  const VideoStatus st = video_->status();
  if (!st.error.empty() && st.error != error_) report_error(st.error);
}

void App::take_video_result(DepthResult result) {
  if (result.for_export) {
    const depth::Image picture{result.photo.width, result.photo.height,
                               depth::apply_colormap(displayed_depth(settings_.stabilise ? result.estimate.depth : result.raw_depth, settings_),
                                                     depth::colormap_from_name(settings_.colormap))};
    deliver_export_frame(result.frame_index, picture.width, picture.height, picture.rgb.data());
    video_export_.done = result.frame_index + 1;
  } else {
    ++video_stats_.frames_depth;
    const double t = now_ms();
    if (video_stats_.last_depth_ms > 0) {
      const double fps = 1000.0 / std::max(1.0, t - video_stats_.last_depth_ms);
      video_stats_.depth_fps = video_stats_.depth_fps > 0 ? 0.8 * video_stats_.depth_fps + 0.2 * fps : fps;
    }
    video_stats_.last_depth_ms = t;
  }
  video_stats_.stabiliser_ms = result.stabiliser_ms;
  result_ = std::make_unique<DepthResult>(std::move(result));
  relief_.set_content(result_->photo, shown_depth());
  preview_dirty_ = true;
  depth_frames_ = 0;
}

void App::start_video_export(const std::string& kind) {
  if (!video_ || video_export_.running) return;
  const VideoStatus st = video_->status();
  video_export_ = {true, video_->path().empty(), kind, 0, st.frame_count};
  if (video_export_.page) {
    video_->pause();
    video_command("export-" + kind, 0);
    status_ = "exporting " + st.name;
    return;
  }
#ifndef __EMSCRIPTEN__
  depth::VideoExportOptions o;
  o.depth_video = kind == "depth";
  o.side_by_side = kind == "sbs";
  o.png16 = kind == "png16";
  o.colormap = depth::colormap_from_name(settings_.colormap);
  o.stabilise = settings_.stabilise;
  o.estimate.edge_aware = settings_.edge_aware;
  o.estimate.size = settings_.input_size;
  DepthRequest request;
  try {
    request.model = catalog_->resolve(settings_.model, settings_.variant);
  } catch (const std::exception& e) {
    video_export_ = {};
    return report_error(e.what());
  }
  std::error_code ec;
  fs::create_directories(settings_.export_dir, ec);
  const std::string stem = (fs::path(settings_.export_dir) / fs::path(video_->path()).stem()).string();
  request.engine = engine_options();
  request.photo_name = st.name;
  request.task = export_task(video_->path(), stem, o);
  video_->pause();
  status_ = "exporting " + st.name;
  job_.start(std::move(request));
#endif
}

void App::cancel_video_export() {
  if (video_export_.page) video_command("cancel-export", 0);
  else job_.cancel();
  if (!video_export_.page) video_export_ = {}, status_ = "export cancelled";
}

void App::draw_video_section() {
  const float s = ui_scale_;
  if (!video_) {
    if (ImGui::Button("Camera")) open_camera();
    return;
  }
  const VideoStatus st = video_->status();
  ImGui::SeparatorText(st.name.c_str());
  if (!st.camera) {
    if (ImGui::Button(st.playing ? "Pause" : "Play")) st.playing ? video_->pause() : video_->play();
    ImGui::SameLine();
    float t = float(st.time_s);
    ImGui::SetNextItemWidth(-1);
    if (ImGui::SliderFloat("##seek", &t, 0.0f, float(std::max(st.duration_s, 0.001)), "%.2f s")) {
      video_->seek(t);
      video_stats_.new_stream = true;
    }
  }
  if (widgets::checkbox("stabilised (temporal)", &settings_.stabilise)) {
    settings_dirty_ = true;
    if (result_) relief_.set_content(result_->photo, shown_depth()), preview_dirty_ = true;
  }
  widgets::flow_same_line(widgets::button_width("Close video"));
  if (ImGui::SmallButton("Close video")) return close_video();
  ImGui::TextWrapped("depth %.1f frames/s, %lld of %lld frames dropped", video_stats_.depth_fps,
              static_cast<long long>(video_stats_.dropped), static_cast<long long>(video_stats_.frames_in));
  if (st.camera) return;
  if (video_export_.running) {
    const float f = video_export_.page ? (video_export_.total > 0 ? float(video_export_.done) / float(video_export_.total) : 0.0f)
                                       : job_.task_progress();
    ImGui::ProgressBar(f, ImVec2(widgets::width_leaving("Cancel##export"), 0), "exporting");
    ImGui::SameLine();
    if (ImGui::Button("Cancel##export")) cancel_video_export();
    return;
  }
  const char* kinds[] = {"depth", "sbs", "png16"};
  const char* labels[] = {"depth video", "side by side", "16-bit PNGs"};
  const int n = exports_to_folder() ? 3 : 2;  // the page writes videos only
  int chosen = 0;
  for (int i = 0; i < n; ++i) chosen = settings_.video_export == kinds[i] ? i : chosen;
  ImGui::SetNextItemWidth(140 * s);
  if (ImGui::Combo("##videoexport", &chosen, labels, n)) settings_.video_export = kinds[chosen], settings_dirty_ = true;
  if (widgets::flow_button("Export video")) start_video_export(kinds[chosen]);
}

}  // namespace dv::app
