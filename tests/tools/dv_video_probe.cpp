// dv_video_probe FILE | --camera DEVICE [--frames N]: opens a video with dv::media::VideoReader,
// reads every frame (at most N), and prints one JSON line: what info() says and what was read, or
// {"error": "..."} with exit status 1. tests/scripts/video_io.sh compares it with ffprobe.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "media/video/video_reader.h"

namespace {
std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}
}  // namespace

int main(int argc, char** argv) {
  std::string path, camera;
  long long max_frames = -1;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--camera") == 0 && i + 1 < argc)
      camera = argv[++i];
    else if (std::strcmp(argv[i], "--frames") == 0 && i + 1 < argc)
      max_frames = std::atoll(argv[++i]);
    else
      path = argv[i];
  }
  if (path.empty() == camera.empty()) {
    std::fprintf(stderr, "usage: dv_video_probe FILE | --camera DEVICE [--frames N]\n");
    return 2;
  }
  try {
    auto reader = camera.empty() ? dv::media::VideoReader::open_file(path) : dv::media::VideoReader::open_camera(camera);
    const auto& info = reader->info();
    dv::media::VideoFrame frame;
    long long frames = 0;
    double first = 0, last = 0;
    while ((max_frames < 0 || frames < max_frames) && reader->read(frame)) {
      if (frame.width != info.width || frame.height != info.height || frame.rgb.size() != size_t(frame.width) * frame.height * 3)
        throw dv::media::VideoError("frame " + std::to_string(frames) + " has another size than the video");
      if (frames == 0) first = frame.time_s;
      last = frame.time_s;
      ++frames;
    }
    std::printf(
        "{\"width\": %d, \"height\": %d, \"fps_num\": %d, \"fps_den\": %d, \"fps\": %.6f, \"frame_count\": %lld, "
        "\"frames_read\": %lld, \"first_time\": %.6f, \"last_time\": %.6f, \"duration\": %.6f, \"codec\": %s}\n",
        info.width, info.height, info.fps_num, info.fps_den, info.fps(), static_cast<long long>(info.frame_count), frames, first,
        last, info.duration_s, json_string(info.codec).c_str());
    return 0;
  } catch (const dv::media::VideoError& e) {
    std::printf("{\"error\": %s}\n", json_string(e.what()).c_str());
    return 1;
  }
}
