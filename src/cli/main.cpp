// depthview: depth maps for photos, from the command line.
//
//   depthview PHOTO|DIR... [-o DIR] [--model NAME|PATH] [--format png,color,pfm,exr,ply,obj,glb]
//             [--colormap NAME] [--threads N] [--size N] [--invert]
//   depthview models
//
// A batch goes on past photos that fail (each gets one error line); the exit code is 1 when any
// failed, 2 when nothing could start (no model, bad options).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "depth/colormap.h"
#include "depth/export.h"
#include "depth/image.h"
#include "depth/mesh.h"
#include "depth/model_catalog.h"
#include "depth/pipeline.h"

namespace fs = std::filesystem;

namespace {

struct Options {
  std::vector<std::string> inputs, formats = {"png"};
  std::string out_dir = ".", model, manifest, colormap = "inferno";
  size_t threads = 2;
  int size = 0;
  bool invert = false;
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
      if (entry.is_regular_file() && is_image(entry.path())) found.push_back(entry.path().string());
    std::sort(found.begin(), found.end());
    photos.insert(photos.end(), found.begin(), found.end());
  }
  return photos;
}

dv::depth::ModelCatalog catalog(const Options& o) {
  const char* env = std::getenv("DEPTHVIEW_MODELS_JSON");
  const std::string manifest = !o.manifest.empty() ? o.manifest : env ? env : DV_MODELS_DIR "/models.json";
  return dv::depth::ModelCatalog(manifest, {fs::path(manifest).parent_path().string(), DV_MODELS_DIR, DV_SHARED_MODELS_DIR});
}

int list_models(const Options& o) {
  const dv::depth::ModelCatalog models = catalog(o);  // named: the loop reads its vector
  for (const auto& m : models.models())
    std::printf("%-26s %-30s %s\n", m.id.c_str(), m.name.c_str(), m.path.empty() ? "not installed" : m.path.c_str());
  return 0;
}

// One photo: estimate, then write each requested format. Throws with the reason.
void process(dv::depth::DepthEstimator& est, const std::string& photo, const Options& o, size_t index, size_t total) {
  const dv::depth::Image img = dv::depth::load_image(photo);
  const auto result = est.run(img, o.size, {0.01f, 0.99f, o.invert});
  const std::string stem = (fs::path(o.out_dir) / fs::path(photo).stem()).string() + "_depth";
  auto wants = [&](const char* f) { return std::find(o.formats.begin(), o.formats.end(), f) != o.formats.end(); };
  dv::depth::Mesh mesh;
  if (wants("ply") || wants("obj") || wants("glb")) mesh = dv::depth::build_relief_mesh(result.depth);
  if (wants("ply") || wants("obj")) dv::depth::write_jpeg(stem + "_texture.jpg", img);
  for (const std::string& f : o.formats) {
    if (f == "png") {
      dv::depth::write_png8(stem + ".png", result.depth);
    } else if (f == "color") {
      const auto rgb = dv::depth::apply_colormap(result.depth, dv::depth::colormap_from_name(o.colormap));
      dv::depth::write_png_rgb(stem + "_" + o.colormap + ".png", result.depth.width, result.depth.height, rgb);
    } else if (f == "exr") {
      dv::depth::write_exr(stem + ".exr", result.depth);
    } else if (f == "ply") {
      dv::depth::write_ply(stem + ".ply", mesh);
    } else if (f == "obj") {
      dv::depth::write_obj(stem + ".obj", mesh, stem + "_texture.jpg");
    } else if (f == "glb") {
      dv::depth::write_glb(stem + ".glb", mesh, dv::depth::encode_jpeg(img));
    } else {
      dv::depth::write_pfm(stem + ".pfm", result.depth);
    }
  }
  std::printf("[%zu/%zu] %s: depth 1x1x%dx%d, %s, %.0f ms -> %s.{%s}\n", index, total, photo.c_str(),
              result.model_height, result.model_width, est.info().name.c_str(), result.inference_ms, stem.c_str(),
              CLI::detail::join(o.formats, ",").c_str());
  std::fflush(stdout);
}

int run_batch(const Options& o) {
  const std::vector<std::string> photos = expand(o.inputs);
  if (photos.empty()) {
    std::fprintf(stderr, "depthview: no photos given (folders are searched for .jpg/.png/.bmp/…)\n");
    return 2;
  }
  std::error_code ec;
  fs::create_directories(o.out_dir, ec);
  if (!fs::is_directory(o.out_dir)) {
    std::fprintf(stderr, "depthview: cannot create the output folder '%s'\n", o.out_dir.c_str());
    return 2;
  }
  std::unique_ptr<dv::depth::DepthEstimator> est;
  try {
    est = std::make_unique<dv::depth::DepthEstimator>(catalog(o).resolve(o.model), o.threads);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "depthview: %s\n", e.what());
    return 2;
  }
  size_t failed = 0;
  for (size_t i = 0; i < photos.size(); ++i) {
    try {
      process(*est, photos[i], o, i + 1, photos.size());
    } catch (const std::exception& e) {
      ++failed;
      std::fprintf(stderr, "[%zu/%zu] error: %s\n", i + 1, photos.size(), e.what());
    }
  }
  std::printf("depthview: %zu of %zu photos done%s\n", photos.size() - failed, photos.size(), failed ? ", some failed" : "");
  return failed ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"depthview: depth maps for photos (bright = near)"};
  Options o;
  app.add_option("photos", o.inputs, "photos or folders of photos");
  app.add_option("-o,--output", o.out_dir, "output folder (created if missing)");
  app.add_option("--model", o.model, "model id from `depthview models`, or a model file (default: the best installed)");
  app.add_option("--format", o.formats,
                 "outputs: png (8-bit grey), color (colour map PNG), pfm, exr (float), ply, obj, glb (relief mesh + texture)")
      ->delimiter(',')
      ->check(CLI::IsMember({"png", "color", "pfm", "exr", "ply", "obj", "glb"}));
  app.add_option("--colormap", o.colormap, "colour map of the color output")->check(CLI::IsMember(dv::depth::colormap_names()));
  app.add_option("--threads", o.threads, "worker threads")->check(CLI::Range(1, 64));
  app.add_option("--size", o.size, "short side of the model input for keep-aspect models (e.g. 518)")->check(CLI::Range(14, 4096));
  app.add_flag("--invert", o.invert, "bright = far instead of near");
  app.add_option("--manifest", o.manifest, "model manifest (default: models/models.json)");
  CLI::App* models = app.add_subcommand("models", "list the known models and where they are installed");
  CLI11_PARSE(app, argc, argv);
  try {
    return models->parsed() ? list_models(o) : run_batch(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "depthview: %s\n", e.what());
    return 2;
  }
}
