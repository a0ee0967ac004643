// dv::media::VideoReader / VideoWriter (FFmpeg): clips written here are read back (size, rate,
// times, pixels, seeking) in H.264 MP4/MOV/MKV and VP9 WebM; every kind of bad input gives its one
// message; the shared real clip reads as ffprobe says; fuzz findings replay.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "support/temp_dir.h"
#include "fuzz/fuzz_video_body.h"
#include "media/video/video_reader.h"
#include "media/video/video_writer.h"

namespace fs = std::filesystem;
using dv::media::VideoError;
using dv::media::VideoFrame;
using dv::media::VideoReader;
using dv::media::VideoWriter;
using dv::media::VideoWriterOptions;

namespace {

using dv::test::TempDir;

// Frame i: a smooth gradient that moves right by 2 px per frame (lossy codecs keep it well).
std::vector<uint8_t> gradient(int w, int h, int i) {
  std::vector<uint8_t> rgb(size_t(w) * h * 3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      uint8_t* p = &rgb[(size_t(y) * w + x) * 3];
      p[0] = uint8_t(std::clamp((x + 2 * i) * 255 / (w + 24), 0, 255));
      p[1] = uint8_t(y * 255 / (h - 1));
      p[2] = uint8_t(60 + 10 * i);
    }
  return rgb;
}

// Mean |difference| over the w x h top-left region of a decoded frame (which may be padded wider).
double mean_error(const VideoFrame& f, const std::vector<uint8_t>& want, int w, int h) {
  double sum = 0;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w * 3; ++x) sum += std::abs(int(f.rgb[size_t(y) * f.width * 3 + x]) - int(want[size_t(y) * w * 3 + x]));
  return sum / (double(w) * h * 3);
}

void write_clip(const std::string& path, int w, int h, int fps_num, int fps_den, int frames, int crf = 10) {
  VideoWriterOptions options;
  options.fps_num = fps_num;
  options.fps_den = fps_den;
  options.crf = crf;
  VideoWriter writer(path, w, h, options);
  for (int i = 0; i < frames; ++i) writer.write(gradient(w, h, i).data());
  writer.finish();
}

std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

// The message of opening and reading the whole file ("" when it reads to the end).
std::string error_of(const std::string& path, int64_t* frames_read = nullptr) {
  int64_t n = 0;
  try {
    auto reader = VideoReader::open_file(path);
    VideoFrame f;
    while (reader->read(f)) ++n;
  } catch (const VideoError& e) {
    if (frames_read) *frames_read = n;
    return e.what();
  }
  if (frames_read) *frames_read = n;
  return "";
}

struct ClipCase {
  const char* file;
  int w, h, fps_num, fps_den;
  const char* codec;
};

}  // namespace

TEST_CASE("video io: clips written by VideoWriter read back with their size, rate, times and pixels") {
  const ClipCase cases[] = {
      {"even.mp4", 64, 48, 25, 1, "h264"},
      {"odd_ntsc.mp4", 63, 47, 30000, 1001, "h264"},
      {"even.mov", 64, 48, 25, 1, "h264"},
      {"odd_ntsc.mkv", 63, 47, 30000, 1001, "h264"},
      {"even.webm", 64, 48, 25, 1, "vp9"},
      {"odd_ntsc.webm", 63, 47, 30000, 1001, "vp9"},
  };
  TempDir tmp;
  constexpr int kFrames = 12;
  for (const ClipCase& c : cases) {
    CAPTURE(c.file);
    const std::string path = tmp / c.file;
    write_clip(path, c.w, c.h, c.fps_num, c.fps_den, kFrames);
    auto reader = VideoReader::open_file(path);
    const auto& info = reader->info();
    // Odd sizes are padded to even (yuv420p).
    CHECK(info.width == (c.w + 1) / 2 * 2);
    CHECK(info.height == (c.h + 1) / 2 * 2);
    CHECK(info.fps_num == c.fps_num);
    CHECK(info.fps_den == c.fps_den);
    CHECK(info.frame_count == kFrames);
    CHECK(info.duration_s == doctest::Approx(kFrames * double(c.fps_den) / c.fps_num).epsilon(0.01));
    CHECK(info.codec == c.codec);
    CHECK_FALSE(info.camera);
    const double period = double(c.fps_den) / c.fps_num;
    VideoFrame f;
    int n = 0;
    while (reader->read(f)) {
      CAPTURE(n);
      REQUIRE(n < kFrames);
      CHECK(f.index == n);
      CHECK(f.width == info.width);
      CHECK(f.height == info.height);
      REQUIRE(f.rgb.size() == size_t(f.width) * f.height * 3);
      CHECK(f.time_s == doctest::Approx(n * period).epsilon(1e-3));
      CHECK(mean_error(f, gradient(c.w, c.h, n), c.w, c.h) < 3.0);
      if (f.width > c.w) {  // the padding column repeats the last one
        double diff = 0;
        for (int y = 0; y < c.h; ++y)
          for (int k = 0; k < 3; ++k)
            diff += std::abs(int(f.rgb[(size_t(y) * f.width + c.w) * 3 + k]) - int(f.rgb[(size_t(y) * f.width + c.w - 1) * 3 + k]));
        CHECK(diff / (c.h * 3) < 4.0);
      }
      ++n;
    }
    CHECK(n == kFrames);
    // Seek to the middle: decoded from the key frame (frame 0), frames before 6 dropped.
    reader->seek(6 * period);
    REQUIRE(reader->read(f));
    CHECK(f.index == 0);
    CHECK(f.time_s == doctest::Approx(6 * period).epsilon(1e-3));
    CHECK(mean_error(f, gradient(c.w, c.h, 6), c.w, c.h) < mean_error(f, gradient(c.w, c.h, 5), c.w, c.h));
    REQUIRE(reader->read(f));
    CHECK(f.index == 1);
    CHECK(f.time_s == doctest::Approx(7 * period).epsilon(1e-3));
    // Between two frames: the next one.
    reader->seek(8.5 * period);
    REQUIRE(reader->read(f));
    CHECK(f.time_s == doctest::Approx(9 * period).epsilon(1e-3));
    reader->seek(0);
    REQUIRE(reader->read(f));
    CHECK(f.time_s == 0);
    reader->seek(100);
    CHECK_FALSE(reader->read(f));
  }
}

TEST_CASE("video io: open_memory reads the same clip, seeks, and applies its pixel limit") {
  TempDir tmp;
  write_clip(tmp / "clip.mp4", 64, 48, 25, 1, 12);
  const auto bytes = read_bytes(tmp / "clip.mp4");
  auto reader = VideoReader::open_memory(bytes, "clip.mp4");
  CHECK(reader->info().frame_count == 12);
  VideoFrame f;
  int n = 0;
  while (reader->read(f)) ++n;
  CHECK(n == 12);
  reader->seek(0.4);
  REQUIRE(reader->read(f));
  CHECK(f.time_s == doctest::Approx(0.4));
  CHECK_THROWS_WITH_AS(VideoReader::open_memory(bytes, "clip.mp4", 1000), "clip.mp4 is 64x48, larger than 16384 on a side or 1000 pixels",
                       VideoError);
  CHECK(dv::fuzz::fuzz_video_one(bytes.data(), bytes.size()) == 0);
}

TEST_CASE("video io: abandon() deletes the partial file; the destructor finishes an unfinished one") {
  TempDir tmp;
  {
    VideoWriter writer(tmp / "cancelled.mp4", 32, 32, {});
    writer.write(gradient(32, 32, 0).data());
    writer.abandon();
    CHECK_FALSE(fs::exists(tmp / "cancelled.mp4"));
    CHECK_THROWS_AS(writer.write(gradient(32, 32, 1).data()), VideoError);
  }
  {
    VideoWriter writer(tmp / "unfinished.webm", 32, 32, {});
    for (int i = 0; i < 3; ++i) writer.write(gradient(32, 32, i).data());
  }
  int64_t n = 0;
  CHECK(error_of(tmp / "unfinished.webm", &n) == "");
  CHECK(n == 3);
}

TEST_CASE("video io: VideoWriter errors name the file and the problem") {
  TempDir tmp;
  VideoWriterOptions bad_codec;
  bad_codec.codec = "no-such-encoder";
  CHECK_THROWS_WITH_AS(VideoWriter(tmp / "a.mp4", 32, 32, bad_codec), "a.mp4: no video encoder 'no-such-encoder' here", VideoError);
  CHECK_FALSE(fs::exists(tmp / "a.mp4"));
  CHECK_THROWS_WITH_AS(VideoWriter(tmp / "missing/b.mp4", 32, 32, {}), "b.mp4 cannot be created (No such file or directory)", VideoError);
  CHECK_THROWS_WITH_AS(VideoWriter(tmp / "c.mp4", 0, 32, {}), "c.mp4: cannot write a 0x32 video at 30/1 fps", VideoError);
}

TEST_CASE("video io: each bad input gives one message naming the file") {
  TempDir tmp;
  CHECK(error_of(tmp / "missing.mp4") == "missing.mp4 cannot be opened (No such file or directory)");
  write_bytes(tmp / "empty.mp4", {});
  CHECK(error_of(tmp / "empty.mp4") == "empty.mp4 is not a video FFmpeg can read (Invalid data found when processing input)");
  std::vector<uint8_t> noise(20000);
  uint32_t state = 12345;
  for (auto& b : noise) b = uint8_t((state = state * 1664525u + 1013904223u) >> 24);
  write_bytes(tmp / "noise.mp4", noise);
  CHECK(error_of(tmp / "noise.mp4") == "noise.mp4 is not a video FFmpeg can read (Invalid data found when processing input)");

  // No frames: a track with no samples.
  { VideoWriter(tmp / "zero.mp4", 32, 32, {}).finish(); }
  CHECK(error_of(tmp / "zero.mp4") == "zero.mp4 has no video frames");

  // Audio only: a WAV of silence.
  std::vector<uint8_t> wav = {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'A', 'V', 'E', 'f', 'm', 't', ' ', 16, 0, 0, 0, 1, 0, 1, 0,
                              0x40, 0x1f, 0, 0, 0x80, 0x3e, 0, 0, 2, 0, 16, 0, 'd', 'a', 't', 'a', 0x40, 0x1f, 0, 0};
  wav.resize(wav.size() + 8000, 0);
  write_bytes(tmp / "song.wav", wav);
  CHECK(error_of(tmp / "song.wav") == "song.wav has no video stream (audio only)");

  // An unknown codec: the sample entry's fourcc 'avc1' renamed.
  write_clip(tmp / "clip.mp4", 64, 48, 25, 1, 40);
  auto bytes = read_bytes(tmp / "clip.mp4");
  const std::string text(bytes.begin(), bytes.end());
  const size_t entry = text.find("avc1", text.find("stsd"));
  REQUIRE(entry != std::string::npos);
  auto patched = bytes;
  std::memcpy(&patched[entry], "abcd", 4);
  write_bytes(tmp / "x.mp4", patched);
  CHECK(error_of(tmp / "x.mp4") == "x.mp4: the video codec 'abcd' cannot be decoded here");

  // Larger than the limit: a Matroska header whose PixelWidth/PixelHeight (256 -> 20000) are patched
  // (refused at open, before any frame is decoded).
  write_clip(tmp / "big.mkv", 256, 256, 25, 1, 2);
  auto big = read_bytes(tmp / "big.mkv");
  for (const uint8_t id : {0xB0, 0xBA}) {  // EBML ids of PixelWidth, PixelHeight; 2-byte values
    const uint8_t element[] = {id, 0x82, 0x01, 0x00};
    auto at = std::search(big.begin(), big.end(), std::begin(element), std::end(element));
    REQUIRE(at != big.end());
    at[2] = 0x4e, at[3] = 0x20;
  }
  write_bytes(tmp / "big.mkv", big);
  CHECK(error_of(tmp / "big.mkv") == "big.mkv is 20000x20000, larger than 16384 on a side or 100000000 pixels");

  // Truncated (the writer puts the MP4 index first): the frames before the cut, then the message.
  for (const double cut : {0.5, 0.75, 0.95}) {
    CAPTURE(cut);
    write_bytes(tmp / "cut.mp4", std::vector<uint8_t>(bytes.begin(), bytes.begin() + std::ptrdiff_t(double(bytes.size()) * cut)));
    int64_t n = -1;
    const std::string message = error_of(tmp / "cut.mp4", &n);
    CHECK(message == "cut.mp4 ends early after frame " + std::to_string(n) + " (the file is truncated or damaged)");
    CHECK(n > 0);
    CHECK(n < 40);
  }
  // Cut inside the index: not readable at all.
  write_bytes(tmp / "cut.mp4", std::vector<uint8_t>(bytes.begin(), bytes.begin() + 200));
  CHECK(error_of(tmp / "cut.mp4") == "cut.mp4 has no video stream (the file may be truncated or damaged)");
  // WebM ends a cut file like a whole one; its duration tells the difference.
  write_clip(tmp / "clip.webm", 64, 48, 25, 1, 40);
  bytes = read_bytes(tmp / "clip.webm");
  write_bytes(tmp / "cut.webm", std::vector<uint8_t>(bytes.begin(), bytes.begin() + std::ptrdiff_t(bytes.size() / 2)));
  int64_t n = -1;
  const std::string message = error_of(tmp / "cut.webm", &n);
  CHECK(message == "cut.webm ends early after frame " + std::to_string(n) + " (the file is truncated or damaged)");
  CHECK(n > 0);
}

TEST_CASE("video io: a camera that is not there") {
  if (fs::exists("/dev/video9")) {
    MESSAGE("SKIPPED: /dev/video9 exists here");
    return;
  }
  CHECK_THROWS_WITH_AS(VideoReader::open_camera("/dev/video9"), "no camera at /dev/video9", VideoError);
}

TEST_CASE("video io: the shared real clip (MPEG-4 Part 2, 70 frames 960x540 at 24 fps)") {
  const std::string path = std::string(DV_SHARED_DIR) + "/video/davis_rollercoaster.mp4";
  if (!fs::exists(path)) {
    MESSAGE("SKIPPED: ../shared/video/davis_rollercoaster.mp4 is absent");
    return;
  }
  auto reader = VideoReader::open_file(path);
  const auto& info = reader->info();
  CHECK(info.width == 960);
  CHECK(info.height == 540);
  CHECK(info.fps_num == 24);
  CHECK(info.fps_den == 1);
  CHECK(info.frame_count == 70);
  CHECK(info.codec == "mpeg4");
  VideoFrame f;
  int n = 0;
  while (reader->read(f)) {
    CHECK(f.time_s == doctest::Approx(n / 24.0));
    ++n;
  }
  CHECK(n == 70);
  reader->seek(1.5);
  REQUIRE(reader->read(f));
  CHECK(f.time_s == doctest::Approx(1.5));
  CHECK(f.rgb.size() == size_t(960) * 540 * 3);
}

TEST_CASE("video io: fuzz_video findings give frames or a VideoError") {
  const fs::path dir = fs::path(DV_TESTS_DIR) / "fuzz" / "regressions" / "video";
  if (!fs::exists(dir)) return;
  for (const auto& entry : fs::directory_iterator(dir)) {
    CAPTURE(entry.path().string());
    const auto bytes = read_bytes(entry.path().string());
    CHECK(dv::fuzz::fuzz_video_one(bytes.data(), bytes.size()) == 0);
  }
}
