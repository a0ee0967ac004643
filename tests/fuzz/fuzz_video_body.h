// The body of fuzz_video (tests/fuzz/fuzz_video.cpp), shared with the native regression test that
// replays its findings (tests/test_video_io.cpp). Native only: FFmpeg.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "media/video/video_reader.h"

namespace dv::fuzz {

// video bytes -> demuxer probing, FFmpeg decoding, RGB conversion, seeking. Any bytes must give
// frames of a consistent size or one VideoError: never a crash, leak or hang.
inline int fuzz_video_one(const uint8_t* data, size_t size) {
  try {
    // 4096x4096 at most: keeps FFmpeg's and our frame buffers under the fuzzer's memory limit.
    auto reader = media::VideoReader::open_memory(std::vector<uint8_t>(data, data + size), "fuzz.bin", 4096 * 4096);
    media::VideoFrame frame;
    const auto check = [&frame] {
      if (frame.width <= 0 || frame.height <= 0 || frame.rgb.size() != size_t(frame.width) * size_t(frame.height) * 3) std::abort();
    };
    int frames = 0;
    while (frames < 30 && reader->read(frame)) {
      check();
      ++frames;
    }
    reader->seek(frames > 0 ? frame.time_s / 2 : 0.5);
    if (reader->read(frame)) check();
  } catch (const media::VideoError&) {
  }
  return 0;
}

}  // namespace dv::fuzz
