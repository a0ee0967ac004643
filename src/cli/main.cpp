// depthview: depth maps for photos, from the command line.
//
//   depthview PHOTO|VIDEO|DIR... [-o DIR] [--model NAME|PATH] [--variant V]
//             [--format png,png16,color,pfm,exr,ply,obj,glb,points,depth-pair,dd-jpeg,glb-layered,
//                       sbs,sbs-half,over-under,cross-eyed,anaglyph] [--eye-distance F] [--colormap NAME] [--threads N]
//             [--precision fp32|int8] [--size N] [--mean R,G,B] [--std R,G,B] [--output depth|inverse-depth]
//             [--invert] [--edge-aware] [--fov DEG] [--cut T]
//             [--video-format depth,sbs,png16] [--container mp4|webm|mkv|mov] [--raw]
//   depthview PHOTO --sensor DEPTH.png (--sensor-scale N | --sensor-preset tum|mm|kitti|sunrgbd|nyu) [-o DIR]
//   depthview PHOTO --lidar SCAN.bin --calib CALIB.txt [-o DIR]    (fused metric depth, cli/sensor.h)
//   depthview models [--fetch [ID] [--variant V] [--hub URL] [--dir DIR] [--timeout S]]
//   depthview eval --manifest ../shared/eval/manifest.json [--model NAME|PATH] [--variant V]
//
// A model file that models/models.json does not list runs by what the file says (model_file.h);
// the assumptions made are printed in one line.
//
// A batch goes on past photos that fail (each gets one error line); the exit code is 1 when any
// failed, 2 when nothing could start (no model, bad options).
#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>
#include <span>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/fetch.h"
#include "cli/photo_outputs.h"
#include "cli/progress.h"
#include "cli/sensor.h"
#include "cli/video.h"
#include "depth/colormap.h"
#include "depth/evaluate.h"
#include "depth/image.h"
#include "depth/model_catalog.h"
#include "depth/model_download.h"
#include "depth/outputs.h"
#include "depth/photo_intrinsics.h"
#include "depth/pipeline.h"
#include "depth/sensor_depth.h"

namespace fs = std::filesystem;

namespace {

struct Options {
  std::vector<std::string> inputs, formats = {"png"};
  std::string out_dir = ".", model, variant, models_json, eval_manifest;
  dv::depth::ModelOverrides overrides;  // short_side comes from estimate.size
  dv::depth::EngineOptions engine{2, false};
  dv::depth::EstimateOptions estimate;
  dv::depth::OutputOptions output;
  dv::scene::SceneOutputOptions scene_output;  // the 3D photo's (layered GLB, stereo images)
  std::vector<std::string> video_formats = {"depth"};
  dv::depth::VideoExportOptions video;
  dv::cli::FetchOptions fetch;  // depthview models --fetch
  dv::cli::SensorOptions sensor;
  bool fov_given = false;  // --fov: else the points take the photo's own field of view
};

bool is_image(const fs::path& p) {
  static const std::set<std::string> ext = {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".pnm", ".ppm", ".pgm", ".tga"};
  std::string e = p.extension().string();
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return ext.count(e) > 0;
}

// Folders become their image files (sorted); other paths are kept as given, so a missing or odd
// file still gets its own error line.
std::vector<std::string> expand(const std::vector<std::string>& inputs) {
  std::vector<std::string> photos;
  for (const std::string& in : inputs) {
    std::error_code ec;
    if (!fs::is_directory(in, ec)) {
      photos.push_back(in);
      continue;
    }
    std::vector<std::string> found;
    for (const auto& entry : fs::directory_iterator(in, ec))
      if (entry.is_regular_file() && (is_image(entry.path()) || dv::depth::is_video_path(entry.path())))
        found.push_back(entry.path().string());
    std::sort(found.begin(), found.end());
    photos.insert(photos.end(), found.begin(), found.end());
  }
  return photos;
}

// Model files are searched where depth/model_download.h says (a --dir of `models --fetch` first).
dv::depth::ModelCatalog catalog(const Options& o) {
  const std::string manifest = dv::depth::native_manifest_path(o.models_json);
  return dv::depth::ModelCatalog(manifest, dv::depth::native_model_dirs(manifest, o.fetch.dir));
}

std::string size_text(const dv::depth::ModelVariant& v) {
  std::error_code ec;
  const double bytes = v.size ? double(v.size) : v.path.empty() ? 0.0 : double(fs::file_size(v.path, ec));
  char text[32];
  if (bytes > 0 && !ec) std::snprintf(text, sizeof text, "%.1f MB", bytes / 1e6);
  else std::snprintf(text, sizeof text, "?");
  return text;
}

// Each model, then each of its variants with its size and where it is installed (or how to get it).
int list_models(const Options& o) {
  const dv::depth::ModelCatalog models = catalog(o);  // named: the loop reads its vector
  for (const auto& m : models.models()) {
    std::printf("%-26s %s\n", m.id.c_str(), m.name.c_str());
    for (const auto& v : m.variants) {
      const std::string fetch = "depthview models --fetch " + m.id + " --variant " + v.name;
      const std::string where = !v.path.empty()  ? "installed: " + v.path
                                : v.downloadable ? "not installed (" + fetch + ")"
                                                 : "not installed (put " + v.files.front() + " into models/)";
      std::printf("  %-10s %9s  %s%s\n", v.name.c_str(), size_text(v).c_str(), where.c_str(),
                  v.name == m.default_variant ? "  [default]" : "");
    }
  }
  std::printf("downloads (depthview models --fetch ID [--variant V]) go to %s\n",
              (o.fetch.dir.empty() ? dv::depth::user_models_dir() : o.fetch.dir).c_str());
  return 0;
}

// The video export options from the command line (the colour map only when given: videos are grey).
dv::depth::VideoExportOptions video_options(const Options& o, bool colormap_given) {
  dv::depth::VideoExportOptions v = o.video;
  const auto wants = [&](const char* f) { return std::find(o.video_formats.begin(), o.video_formats.end(), f) != o.video_formats.end(); };
  v.depth_video = wants("depth");
  v.side_by_side = wants("sbs");
  v.png16 = wants("png16");
  v.estimate = o.estimate;
  if (colormap_given) v.colormap = dv::depth::colormap_from_name(o.output.colormap);
  return v;
}

// The output options for one photo: without --fov, its point cloud sees through the photo's own
// camera (Dynamic Depth, EXIF) when the file states one.
dv::depth::OutputOptions photo_output_options(const Options& o, std::span<const uint8_t> bytes, const dv::depth::Image& img) {
  dv::depth::OutputOptions output = o.output;
  const bool points = std::find(o.formats.begin(), o.formats.end(), "points") != o.formats.end();
  if (points && !o.fov_given)
    if (const auto camera = dv::depth::photo_intrinsics(bytes, img.width, img.height))
      output.points.fov_degrees = float(camera->horizontal_fov_degrees());
  return output;
}

// One photo: estimate, then write each requested format. Throws with the reason.
void process(dv::depth::DepthEstimator& est, const std::string& photo, const Options& o, size_t index, size_t total) {
  const std::vector<uint8_t> bytes = dv::depth::read_file(photo);
  const dv::depth::Image img = dv::depth::decode_image(bytes, photo);
  const auto result = est.run(img, o.estimate);
  const std::string stem = (fs::path(o.out_dir) / fs::path(photo).stem()).string() + "_depth";
  const dv::depth::OutputOptions output = photo_output_options(o, bytes, img);
  dv::cli::write_photo_outputs(o.formats, stem, img, result.depth, output, o.scene_output, o.engine.threads);
  std::printf("[%zu/%zu] %s: depth 1x1x%dx%d, %s, %.0f ms -> %s.{%s}\n", index, total, photo.c_str(),
              result.model_height, result.model_width, est.info().label().c_str(), result.inference_ms, stem.c_str(),
              CLI::detail::join(o.formats, ",").c_str());
  std::fflush(stdout);
}

// The parallax animation's --path, --seconds, --fps, --frame-size, --amplitude, --keys, --focus.
void add_parallax_options(CLI::App& app, dv::scene::ParallaxOptions& p) {
  app.add_option_function<std::string>("--path", [&p](const std::string& v) {
        if (p.path != dv::scene::ParallaxPath::Keyframes) p.path = dv::scene::parse_parallax_path(v);
      },
                                       "parallax path: circle (default), swing, dolly-zoom, keyframes (with --keys)")
      ->check(CLI::IsMember({"circle", "swing", "dolly-zoom", "keyframes"}));
  app.add_option("--seconds", p.seconds, "parallax: length in seconds (default 4)")->check(CLI::Range(0.05, 600.0));
  app.add_option("--fps", p.fps, "parallax: frames per second (default 30)")->check(CLI::Range(1.0, 120.0));
  app.add_option_function<std::string>("--frame-size", [&p](const std::string& v) {
        char x = 0;
        std::istringstream in(v);
        if (!(in >> p.width >> x >> p.height) || x != 'x' || p.width <= 0 || p.height <= 0)
          throw CLI::ValidationError("--frame-size", "expected WIDTHxHEIGHT, e.g. 1920x1080");
      }, "parallax: frame size WIDTHxHEIGHT of one view (default: the photo's aspect, 1280 on the longer side)");
  app.add_option("--amplitude", p.amplitude, "parallax: circle radius / swing half width, photo widths (default 0.15)")
      ->check(CLI::Range(0.0, 0.5));
  app.add_option_function<std::string>("--keys", [&p](const std::string& v) {
        try {
          p.keys = dv::scene::parse_camera_keys(v);
        } catch (const std::invalid_argument& e) {
          throw CLI::ValidationError("--keys", e.what());
        }
        p.path = dv::scene::ParallaxPath::Keyframes;
      }, "parallax keyframes t:x,y,z;... (t 0..1 of the length; x, y photo widths; z toward the photo, share of its distance)");
  app.add_option("--focus", p.focus, "parallax: the depth that stays still, 0 (far) .. 1 (near), default 0.5")->check(CLI::Range(0.0, 1.0));
}

std::unique_ptr<dv::depth::DepthEstimator> load_estimator(const Options& o) {
  try {
    dv::depth::ModelOverrides overrides = o.overrides;
    overrides.short_side = o.estimate.size;
    auto est = std::make_unique<dv::depth::DepthEstimator>(catalog(o).resolve(o.model, o.variant, overrides), o.engine);
    if (!est->info().assumptions.empty()) std::printf("%s\n", est->info().assumptions.c_str());
    return est;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "depthview: %s\n", e.what());
    return nullptr;
  }
}

int run_batch(const Options& o, bool colormap_given) {
  const std::vector<std::string> photos = expand(o.inputs);
  if (photos.empty()) {
    std::fprintf(stderr, "depthview: no photos or videos given (folders are searched for .jpg/.png/.bmp/…, .mp4/.webm/.mov/…)\n");
    return 2;
  }
  std::error_code ec;
  fs::create_directories(o.out_dir, ec);
  if (!fs::is_directory(o.out_dir)) {
    std::fprintf(stderr, "depthview: cannot create the output folder '%s'\n", o.out_dir.c_str());
    return 2;
  }
  if (const std::string error = dv::cli::check(o.sensor, photos.size()); !error.empty()) {
    std::fprintf(stderr, "depthview: %s\n", error.c_str());
    return 2;
  }
  const auto est = load_estimator(o);
  if (!est) return 2;
  if (o.sensor.active()) try {
      dv::cli::process_sensor(*est, photos.front(), o.out_dir, o.sensor);
      return 0;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "error: %s\n", e.what());
      return 1;
    }
  size_t failed = 0;
  dv::cli::ProgressBar bar(photos.size());
  for (size_t i = 0; i < photos.size(); ++i) {
    bar.draw(i, photos[i]);
    try {
      bar.clear();
      if (dv::depth::is_video_path(photos[i]))
        dv::cli::process_video(*est, photos[i], o.out_dir, video_options(o, colormap_given), i + 1, photos.size());
      else
        process(*est, photos[i], o, i + 1, photos.size());
    } catch (const std::exception& e) {
      ++failed;
      bar.clear();
      std::fprintf(stderr, "[%zu/%zu] error: %s\n", i + 1, photos.size(), e.what());
    }
  }
  bar.clear();
  std::printf("depthview: %zu of %zu files done%s\n", photos.size() - failed, photos.size(),
              failed ? ", some failed" : "");
  return failed ? 1 : 0;
}

// depthview eval: per-image and mean AbsRel / δ1 on an evaluation set.
int run_eval(const Options& o) {
  const std::vector<dv::depth::EvalEntry> entries = dv::depth::read_eval_manifest(o.eval_manifest);
  const auto est = load_estimator(o);
  if (!est) return 2;
  double abs_rel = 0, delta1 = 0;
  for (const auto& entry : entries) {
    const auto result = est->run(dv::depth::load_image(entry.rgb_path), o.estimate);
    const auto m =
        dv::depth::evaluate_depth(result.model_output, est->info().output, dv::depth::load_ground_truth(entry));
    std::printf("%-28s AbsRel %.4f  d1 %.4f\n", entry.id.c_str(), m.abs_rel, m.delta1);
    abs_rel += m.abs_rel;
    delta1 += m.delta1;
  }
  const double n = double(std::max<size_t>(1, entries.size()));
  std::printf("mean over %zu images (%s): AbsRel %.4f  d1 %.4f\n", entries.size(), est->info().label().c_str(),
              abs_rel / n, delta1 / n);
  return 0;
}

// --mean / --std: three values, R,G,B.
std::array<float, 3> rgb(const std::vector<float>& v) { return {v.at(0), v.at(1), v.at(2)}; }

void add_model_options(CLI::App& app, Options& o) {
  app.add_option("--model", o.model, "model id from `depthview models`, or a model file (default: the best installed)");
  app.add_option("--variant", o.variant,
                 "file of the model: fp32, fp16, quantized, int8, uint8, q4, q4f16, bnb4, as `depthview models` lists "
                 "(default: the manifest's default, else an installed one)");
  app.add_option("--threads", o.engine.threads, "worker threads")->check(CLI::Range(1, 64));
  app.add_option_function<std::string>(
         "--precision", [&](const std::string& p) { o.engine.int8 = p == "int8"; },
         "fp32 (default, exact) or int8 (faster, slightly less exact)")
      ->check(CLI::IsMember({"fp32", "int8"}));
  app.add_option("--size", o.estimate.size, "short side of the model input for keep-aspect models (e.g. 518)")
      ->check(CLI::Range(14, 4096));
  app.add_option_function<std::vector<float>>(
         "--mean", [&](const std::vector<float>& v) { o.overrides.mean = rgb(v); },
         "per-channel mean subtracted from pixels in [0, 1], e.g. 0.485,0.456,0.406 (default: the manifest's, "
         "else preprocessor_config.json's, else ImageNet's)")
      ->delimiter(',')
      ->expected(3);
  app.add_option_function<std::vector<float>>(
         "--std", [&](const std::vector<float>& v) { o.overrides.std = rgb(v); },
         "per-channel divisor after the mean, e.g. 0.229,0.224,0.225")
      ->delimiter(',')
      ->expected(3)
      ->check(CLI::PositiveNumber);
  app.add_option_function<std::string>(
         "--output", [&](const std::string& kind) { o.overrides.output = dv::depth::parse_output_kind(kind); },
         "what the model predicts: depth (larger = farther) or inverse-depth (larger = nearer; assumed for files "
         "not in the manifest)")
      ->check(CLI::IsMember({"depth", "inverse-depth"}));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"depthview: depth maps for photos (bright = near)"};
  Options o;
  app.add_option("photos", o.inputs, "photos, videos (mp4, webm, mov, mkv, avi, y4m) or folders of them");
  app.add_option("-o,--out-dir", o.out_dir, "output folder (created if missing)");
  add_model_options(app, o);
  app.add_option("--format", o.formats,
                 "outputs: png (8-bit grey), png16 (16-bit grey), color (colour map PNG), pfm, exr (float), "
                 "ply, obj, glb (relief mesh + photo texture), points (coloured point-cloud PLY), depth-pair (NAME_3d.jpg + "
                 "NAME_3d_depth.png for 3D photo sites), dd-jpeg (Dynamic Depth JPEG), glb-layered (foreground + "
                 "inpainted background meshes), sbs, sbs-half, over-under, cross-eyed, anaglyph (stereo images of the 3D photo), "
                 "parallax-mp4, parallax-webm, parallax-webp (parallax animation of the 3D photo along --path), sbs-video "
                 "(its stereo side-by-side video)")
      ->delimiter(',')
      ->check(CLI::IsMember(dv::cli::photo_output_formats()));
  app.add_option("--eye-distance", o.scene_output.stereo.eye_distance,
                 "stereo images: disparity between the nearest and the farthest point, share of the width (default 0.025)")
      ->check(CLI::Range(0.0, 0.2));
  add_parallax_options(app, o.scene_output.parallax);
  CLI::Option* colormap = app.add_option("--colormap", o.output.colormap, "colour map of the color output and of depth videos (default grey for videos)")
      ->check(CLI::IsMember(dv::depth::colormap_names()));
  app.add_option("--video-format", o.video_formats,
                 "outputs for videos: depth (depth video), sbs (frame | depth, side by side), png16 (16-bit PNG per "
                 "frame)")
      ->delimiter(',')
      ->check(CLI::IsMember(dv::cli::kVideoFormats));
  app.add_option("--container", o.video.container, "container of depth videos: mp4 (H.264), webm (VP9), mkv, mov")
      ->check(CLI::IsMember({"mp4", "webm", "mkv", "mov"}));
  app.add_flag_function("--raw", [&](int64_t) { o.video.stabilise = false; },
                        "videos: per-frame depth, without temporal stabilisation");
  app.add_flag("--invert", o.estimate.normalize.invert, "bright = far instead of near");
  app.add_flag("--edge-aware", o.estimate.edge_aware, "snap depth edges to the photo's edges (guided filter)");
  app.add_option("--cut", o.output.mesh.discontinuity, "mesh: drop triangles whose depths (0..1) differ by more")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--mesh-size", o.output.mesh.max_side, "mesh: vertices along the longer side")
      ->check(CLI::Range(2, 4096));
  CLI::Option* fov = app.add_option("--fov", o.output.points.fov_degrees,
                                    "points: horizontal field of view of the photo, degrees (default: the photo's own, "
                                    "from its Dynamic Depth or EXIF focal length, else 60)")
                        ->check(CLI::Range(1.0, 179.0));
  app.add_option("--sensor", o.sensor.depth, "fuse with this 16-bit sensor depth map (PNG/PGM, 0 = none) of the one photo");
  app.add_option("--sensor-scale", o.sensor.units_per_metre, "sensor depth units per metre (value / N = metres; TUM: 5000)")
      ->check(CLI::PositiveNumber);
  app.add_option("--sensor-preset", o.sensor.preset, "sensor depth decoding: tum (1/5000 m), mm, kitti (1/256 m), sunrgbd, nyu")
      ->check(CLI::IsMember(dv::depth::sensor_preset_names()));
  app.add_option("--lidar", o.sensor.lidar, "fuse with this KITTI Velodyne scan (velodyne/*.bin) of the one photo");
  app.add_option("--calib", o.sensor.calib, "the scan's KITTI calibration (calib/*.txt: P2, R0_rect, Tr_velo_to_cam)");
  app.add_option("--models-json", o.models_json, "model manifest (default: models/models.json)");
  CLI::App* models = app.add_subcommand("models", "list the known models and where they are installed, or fetch one");
  models->fallthrough();  // --models-json after `models` too
  CLI::Option* fetch =
      models->add_option("--fetch", o.fetch.id,
                         "download a model (default: the first of the manifest's preference) into the user models "
                         "folder (" + dv::depth::user_models_dir() + "), resumed and verified")
          ->expected(0, 1);
  models->add_option("--variant", o.fetch.variant, "which file of the model (default: the manifest's default)");
  models->add_option("--hub", o.fetch.hub,
                     "download from this base URL + '/' + file instead (a mirror; default: $DEPTHVIEW_MODEL_HUB, else "
                     "the manifest's download_base, else each file's url)");
  models->add_option("--dir", o.fetch.dir, "download into this folder instead (it is searched first)");
  models->add_option("--timeout", o.fetch.stall_timeout_s,
                     "give up when the hub sends less than 1 kB/s for this many seconds (default 30)")
      ->check(CLI::Range(1, 3600));
  CLI::App* eval =
      app.add_subcommand("eval", "AbsRel and d1 on an evaluation set (protocol of ../shared/eval/README.md)");
  eval->add_option("--manifest", o.eval_manifest, "evaluation manifest (JSON list of rgb/depth pairs)")->required();
  add_model_options(*eval, o);
  CLI11_PARSE(app, argc, argv);
  o.fov_given = fov->count() > 0;
  o.scene_output.parallax.eyes = o.scene_output.stereo;  // sbs-video's eyes as the stereo images'
  try {
    if (models->parsed()) return fetch->count() > 0 ? dv::cli::fetch_model(catalog(o), o.fetch) : list_models(o);
    return eval->parsed() ? run_eval(o) : run_batch(o, colormap->count() > 0);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "depthview: %s\n", e.what());
    return 2;
  }
}
