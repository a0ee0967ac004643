// Parallax animations of the 3D photo (scene/parallax.h, parallax_export.h): the paths, the 8K
// limit before any work, what moves on screen (near against far; the focus plane stays), no holes
// where the foreground uncovers the background, and the files as independent tools read them:
// ffprobe counts the frames of the MP4 / WebM (native), Pillow those of the animated WebP (both
// builds, through run_command); Cancel leaves no file.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>

#include "scene/parallax.h"
#include "scene/parallax_export.h"
#include "fuzz/fuzz_camera_keys_body.h"
#include "support/run_command.h"
#include "support/square_scene.h"

namespace fs = std::filesystem;
using dv::depth::Image;
using dv::scene::ParallaxOptions;
using dv::scene::ParallaxPath;

namespace {

ParallaxOptions small(ParallaxPath path) {
  ParallaxOptions o;
  o.path = path;
  o.seconds = 1.0f, o.fps = 8.0f;
  o.long_side = 96;
  o.threads = 2;
  return o;
}

// Mean x of the red square's pixels (-1 when none).
double red_centre_x(const Image& image) {
  double sum = 0;
  size_t n = 0;
  for (int y = 0; y < image.height; ++y)
    for (int x = 0; x < image.width; ++x) {
      const uint8_t* p = &image.rgb[(size_t(y) * size_t(image.width) + size_t(x)) * 3];
      if (p[0] > 150 && p[1] < 90) sum += x, ++n;
    }
  return n ? sum / double(n) : -1.0;
}

// The output of a shell command (stdout), through a file: run_command works natively and in wasm.
std::string command_output(const std::string& command, const fs::path& out, int* status) {
  *status = dv::test::run_command(command + " > '" + out.string() + "' 2>/dev/null");
  std::ifstream in(out);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

fs::path scratch(const char* name) {
  const fs::path dir = fs::temp_directory_path() / "dv_test_parallax";
  fs::create_directories(dir);
  return dir / name;
}

}  // namespace

TEST_CASE("parallax paths: loops end where they start, keyframes reach their keys") {
  ParallaxOptions o = small(ParallaxPath::Circle);
  const int n = dv::scene::parallax_frame_count(o);
  CHECK(n == 8);
  CHECK(dv::scene::camera_offset(o, 0).y == doctest::Approx(o.amplitude));
  CHECK(dv::scene::camera_offset(o, n / 4).x == doctest::Approx(o.amplitude));
  o.path = ParallaxPath::Swing;
  CHECK(dv::scene::camera_offset(o, n / 4).x == doctest::Approx(o.amplitude));
  CHECK(dv::scene::camera_offset(o, 3).y == 0.0f);
  o.path = ParallaxPath::DollyZoom;
  CHECK(dv::scene::camera_offset(o, 0).z == doctest::Approx(0.0f));
  CHECK(dv::scene::camera_offset(o, n / 2).z == doctest::Approx(o.dolly));
  o.path = ParallaxPath::Keyframes;
  o.keys = dv::scene::parse_camera_keys("0:-0.1,0,0; 0.5:0.1,0.05,0.3; 1:0,0");
  REQUIRE(o.keys.size() == 3);
  CHECK(dv::scene::camera_offset(o, 0).x == doctest::Approx(-0.1f));
  CHECK(dv::scene::camera_offset(o, n - 1).x == doctest::Approx(0.0f));
  CHECK(dv::scene::camera_offset(o, n - 1).z == doctest::Approx(0.0f));
  const float mid = dv::scene::camera_offset(o, 2).x;  // t = 2/7, between the first two keys
  CHECK(mid > -0.1f);
  CHECK(mid < 0.1f);
  CHECK(dv::scene::parse_parallax_path("dolly-zoom") == ParallaxPath::DollyZoom);
  CHECK_THROWS_WITH_AS(dv::scene::parse_parallax_path("spiral"), doctest::Contains("spiral"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(dv::scene::parse_camera_keys("0:1"), doctest::Contains("t:x,y"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(dv::scene::parse_camera_keys("0.5:0,0;0.2:0,0"), doctest::Contains("increase"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(dv::scene::parse_camera_keys("0:0,0,0 x"), doctest::Contains("'x'"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(dv::scene::parse_camera_keys("0:0,0,0junk"), doctest::Contains("'junk' after"), std::invalid_argument);
  CHECK(dv::scene::parse_camera_keys("0:0,0 1:0.1,0.1,0.2").size() == 2);  // apart by spaces too
  CHECK_THROWS_AS(dv::scene::parse_camera_keys(""), std::invalid_argument);
}

TEST_CASE("parallax sizes: the photo's aspect by default, over 8K refused before rendering") {
  ParallaxOptions o;
  int w = 0, h = 0;
  dv::scene::parallax_view_size(o, 4032, 3024, &w, &h);
  CHECK(w == 1280);
  CHECK(h == 960);
  o.width = 7681, o.height = 100;
  CHECK_THROWS_WITH_AS(dv::scene::check_parallax_options(o, 4032, 3024), doctest::Contains("8K"), std::invalid_argument);
  o.width = 4000, o.stereo = true;  // both eyes: 8000 wide
  CHECK_THROWS_WITH_AS(dv::scene::check_parallax_options(o, 4032, 3024), doctest::Contains("8000 x 100"), std::invalid_argument);
  o.stereo = false, o.width = 3840, o.height = 2160;
  CHECK_NOTHROW(dv::scene::check_parallax_options(o, 4032, 3024));
  o.fps = 0;
  CHECK_THROWS_AS(dv::scene::check_parallax_options(o, 4032, 3024), std::invalid_argument);
  o.fps = 30, o.width = 0;  // one of the two
  CHECK_THROWS_AS(dv::scene::check_parallax_options(o, 4032, 3024), std::invalid_argument);
  o.height = 0, o.path = ParallaxPath::Keyframes;  // without keys
  CHECK_THROWS_WITH_AS(dv::scene::check_parallax_options(o, 4032, 3024), doctest::Contains("key"), std::invalid_argument);
}

TEST_CASE("parallax frames: near moves against far, the focus plane stays, nothing torn open") {
  const auto layers = dv::test::square_layers();
  REQUIRE(layers.layer_count() == 2);
  ParallaxOptions o = small(ParallaxPath::Swing);
  o.focus = 0.1f;  // the far plane stays
  const dv::scene::ParallaxRenderer r(layers, o);
  REQUIRE(r.frame_count() == 8);
  CHECK(r.width() == 96);
  CHECK(r.height() == 96);
  const Image right = r.frame(2), left = r.frame(6);  // camera at +amplitude, -amplitude
  // The camera moving right: the near square slides left against the still far plane.
  CHECK(red_centre_x(right) < red_centre_x(left) - 3.0);
  // The far plane stays: its column at the border is the same in both views.
  int same = 0;
  for (int y = 0; y < 96; ++y) same += std::abs(int(right.rgb[size_t(y) * 96 * 3 + 1]) - int(left.rgb[size_t(y) * 96 * 3 + 1])) <= 2;
  CHECK(same >= 90);
  // No black hole: the photo has no black, so every pixel comes from a layer or the row fill.
  for (const Image* f : {&right, &left}) {
    size_t black = 0;
    for (size_t i = 0; i < f->rgb.size(); i += 3) black += f->rgb[i] < 10 && f->rgb[i + 1] < 10 && f->rgb[i + 2] < 10;
    CHECK(black == 0);
  }
  // Where the square uncovered the far plane, the inpainted background shows (greenish, not red).
  CHECK_THROWS_AS(r.frame(8), std::out_of_range);
}

TEST_CASE("parallax frames: a flat photo at the focus does not move; stereo frames are two eyes") {
  Image photo;
  dv::depth::DepthMap depth;
  dv::test::square_scene(&photo, &depth);
  std::fill(depth.values.begin(), depth.values.end(), 0.5f);
  const auto layers = dv::scene::build_layered_depth(photo, depth);
  REQUIRE(layers);
  CHECK(layers->layer_count() == 1);  // no depth edges: a single layer
  ParallaxOptions o = small(ParallaxPath::Circle);
  const dv::scene::ParallaxRenderer r(*layers, o);
  const Image a = r.frame(0), b = r.frame(3);
  int differ = 0;
  for (size_t i = 0; i < a.rgb.size(); ++i) differ += std::abs(int(a.rgb[i]) - int(b.rgb[i])) > 12;
  CHECK(differ < int(a.rgb.size() / 100));
  o.stereo = true;
  const dv::scene::ParallaxRenderer s(*layers, o);
  CHECK(s.width() == 192);
  CHECK(s.frame(0).width == 192);
}

TEST_CASE("parallax export: animated WebP read by Pillow, MP4 / WebM by ffprobe, Cancel leaves nothing") {
  const auto layers = dv::test::square_layers();
  ParallaxOptions o = small(ParallaxPath::Circle);
  o.long_side = 64;
  const dv::scene::ParallaxRenderer r(layers, o);
  CHECK_THROWS_WITH_AS(dv::scene::export_parallax(r, scratch("x.avi").string()), doctest::Contains("x.avi"),
                       std::invalid_argument);
  int status = 0;
  if (dv::scene::can_write_parallax("webp")) {
    const fs::path webp = scratch("loop.webp");
    fs::remove(webp);
    const auto result = dv::scene::export_parallax(r, webp.string());
    CHECK(result.frames == 8);
    CHECK_FALSE(result.cancelled);
    const std::string pil = command_output(
        "/usr/bin/python3 -c \"from PIL import Image; im = Image.open('" + webp.string() +
            "'); print(im.format, im.n_frames, im.size[0], im.size[1], im.is_animated)\"",
        scratch("pil.txt"), &status);
    if (status == 0) CHECK(pil == "WEBP 8 64 64 True\n");
    else MESSAGE("Debian's Python with Pillow (python3-pil) is not installed: the WebP is not checked by it");
    int calls = 0;
    const auto cancelled = dv::scene::export_parallax(r, scratch("cancelled.webp").string(), [&](int, int) { return ++calls < 3; });
    CHECK(cancelled.cancelled);
    CHECK_FALSE(fs::exists(scratch("cancelled.webp")));
  }
  for (const char* ext : {"mp4", "webm"}) {
    if (!dv::scene::can_write_parallax(ext)) continue;  // the page encodes these with WebCodecs
    const fs::path video = scratch((std::string("loop.") + ext).c_str());
    fs::remove(video);
    CHECK(dv::scene::export_parallax(r, video.string()).frames == 8);
    const std::string frames = command_output("ffprobe -v error -count_frames -select_streams v:0 -show_entries "
                                              "stream=nb_read_frames,width,height -of csv=p=0 '" + video.string() + "'",
                                              scratch("ffprobe.txt"), &status);
    if (status == 0) CHECK(frames == "64,64,8\n");
    else MESSAGE("ffprobe (Debian's ffmpeg) is not installed: the video is not checked by it");
    int calls = 0;
    const fs::path partial = scratch((std::string("cancelled.") + ext).c_str());
    CHECK(dv::scene::export_parallax(r, partial.string(), [&](int, int) { return ++calls < 3; }).cancelled);
    CHECK_FALSE(fs::exists(partial));
  }
}

TEST_CASE("parallax keys: fuzz findings give keys or one error") {
  const fs::path dir = fs::path(DV_TESTS_DIR) / "fuzz" / "regressions" / "camera_keys";
  int replayed = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(dv::fuzz::fuzz_camera_keys_one(reinterpret_cast<const uint8_t*>(text.data()), text.size()) == 0);
    ++replayed;
  }
  CHECK(replayed > 0);
}
