// Depth videos from a video file (depth/video_export.h): every frame, the input's count and rate,
// the three outputs, Cancel and damaged input leaving nothing behind. Natively, with FastDepth.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "depth/export.h"
#include "depth/image.h"
#include "depth/model_catalog.h"
#include "depth/video_depth.h"
#include "depth/video_export.h"
#include "media/video/video_reader.h"
#include "media/video/video_writer.h"

namespace fs = std::filesystem;
using dv::depth::VideoExportOptions;

namespace {

fs::path scratch(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("dv-video-export-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// A clip of `frames` frames: a bright square moving right over a vertical gradient.
void write_clip(const fs::path& path, int frames, int w, int h, int fps_num, int fps_den) {
  dv::media::VideoWriterOptions o;
  o.fps_num = fps_num, o.fps_den = fps_den;
  dv::media::VideoWriter writer(path.string(), w, h, o);
  std::vector<uint8_t> rgb(size_t(w) * size_t(h) * 3);
  for (int t = 0; t < frames; ++t) {
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        const bool square = x >= 10 + 4 * t && x < 40 + 4 * t && y >= 20 && y < 50;
        const uint8_t v = square ? 240 : uint8_t(40 + 150 * y / h);
        for (int c = 0; c < 3; ++c) rgb[(size_t(y) * size_t(w) + size_t(x)) * 3 + size_t(c)] = v;
      }
    writer.write(rgb.data());
  }
  writer.finish();
}

int64_t count_frames(const fs::path& path, dv::media::VideoInfo* info) {
  const auto reader = dv::media::VideoReader::open_file(path.string());
  *info = reader->info();
  dv::media::VideoFrame f;
  int64_t n = 0;
  while (reader->read(f)) ++n;
  return n;
}

std::unique_ptr<dv::depth::DepthEstimator> fastdepth() {
  const fs::path model = fs::path(DV_SHARED_DIR) / "models" / "fastdepth.onnx";
  if (!fs::exists(model)) return nullptr;
  const dv::depth::ModelCatalog catalog(std::string(DV_TESTS_DIR) + "/../models/models.json", {});
  return std::make_unique<dv::depth::DepthEstimator>(catalog.resolve(model.string()), dv::depth::EngineOptions{2, false});
}

}  // namespace

TEST_CASE("video export: depth, side-by-side and 16-bit PNGs with the input's frame count and rate") {
  const auto est = fastdepth();
  if (!est) {
    MESSAGE("SKIPPED: ../shared/models/fastdepth.onnx not found");
    return;
  }
  const fs::path dir = scratch("outputs");
  write_clip(dir / "clip.mp4", 9, 96, 64, 30000, 1001);
  VideoExportOptions o;
  o.side_by_side = o.png16 = true;
  int calls = 0;
  const auto r = dv::depth::export_video((dir / "clip.mp4").string(), (dir / "clip").string(), *est, o,
                                         [&](int64_t done, int64_t total) {
                                           CHECK(done == ++calls);
                                           CHECK(total == 9);
                                           return true;
                                         });
  CHECK(r.frames == 9);
  CHECK_FALSE(r.cancelled);
  REQUIRE(r.files.size() == 3);
  dv::media::VideoInfo info;
  CHECK(count_frames(dir / "clip_depth.mp4", &info) == 9);
  CHECK(info.width == 96);
  CHECK(info.height == 64);
  CHECK(info.fps_num * 1001 == info.fps_den * 30000);
  CHECK(count_frames(dir / "clip_sbs.mp4", &info) == 9);
  CHECK(info.width == 192);
  size_t pngs = 0;
  for (const auto& e : fs::directory_iterator(dir / "clip_depth")) pngs += e.path().extension() == ".png";
  CHECK(pngs == 9);
  const auto png = dv::depth::decode_grey16(dv::depth::read_file((dir / "clip_depth" / "000008.png").string()));
  CHECK(png.width == 96);
  CHECK(png.height == 64);
  // The square (nearest after the bright-near mapping of the model is not guaranteed) - the map
  // has a real spread: not a constant.
  const auto [lo, hi] = std::minmax_element(png.values.begin(), png.values.end());
  CHECK(*hi - *lo > 1000);
}

TEST_CASE("video export: Cancel and a damaged file leave no outputs behind") {
  const auto est = fastdepth();
  if (!est) {
    MESSAGE("SKIPPED: ../shared/models/fastdepth.onnx not found");
    return;
  }
  const fs::path dir = scratch("cancel");
  write_clip(dir / "clip.mp4", 8, 64, 48, 25, 1);
  VideoExportOptions o;
  o.side_by_side = o.png16 = true;
  const auto r = dv::depth::export_video((dir / "clip.mp4").string(), (dir / "clip").string(), *est, o,
                                         [](int64_t done, int64_t) { return done < 3; });
  CHECK(r.cancelled);
  CHECK(r.frames == 3);
  CHECK_FALSE(fs::exists(dir / "clip_depth.mp4"));
  CHECK_FALSE(fs::exists(dir / "clip_sbs.mp4"));
  CHECK_FALSE(fs::exists(dir / "clip_depth"));

  const auto bytes = dv::depth::read_file((dir / "clip.mp4").string());
  std::ofstream((dir / "cut.mp4").string(), std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), long(bytes.size() / 2));
  CHECK_THROWS_AS(dv::depth::export_video((dir / "cut.mp4").string(), (dir / "cut").string(), *est, o), dv::media::VideoError);
  CHECK_FALSE(fs::exists(dir / "cut_depth.mp4"));
  CHECK_FALSE(fs::exists(dir / "cut_depth"));
  CHECK_THROWS_AS(dv::depth::export_video((dir / "none.mp4").string(), (dir / "none").string(), *est, o), dv::media::VideoError);
}

TEST_CASE("video depth: per-frame and stabilised maps of each frame, a reset starts afresh") {
  const auto est = fastdepth();
  if (!est) {
    MESSAGE("SKIPPED: ../shared/models/fastdepth.onnx not found");
    return;
  }
  dv::depth::Image frame{80, 60, std::vector<uint8_t>(80 * 60 * 3)};
  for (size_t i = 0; i < frame.rgb.size(); ++i) frame.rgb[i] = uint8_t((i / 3 % 80) * 3 + (i / 240));
  dv::depth::VideoDepth video;
  const auto first = video.process(*est, frame);
  CHECK(first.stabiliser.reset);
  CHECK(first.raw.values == first.stabilised.values);
  const auto second = video.process(*est, frame);
  CHECK_FALSE(second.stabiliser.reset);
  CHECK(second.stabilised.width == 80);
  for (float v : second.stabilised.values) REQUIRE((v >= 0.0f && v <= 1.0f));
  video.reset();
  CHECK(video.process(*est, frame).stabiliser.reset);
}
