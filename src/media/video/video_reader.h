// Video decoding natively with FFmpeg: files, bytes in memory (fuzzing) and V4L2 cameras, frames
// handed out as RGB24. (In the browser the page decodes video and hands in frames.)
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace dv::media {

// One clear message naming the file (its basename) or the camera and the problem.
struct VideoError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct VideoInfo {
  int width = 0, height = 0;    // coded size; the stream's rotation side data is NOT applied
  int fps_num = 0, fps_den = 1;  // the stream's frame rate (avg_frame_rate, else r_frame_rate)
  double fps() const;            // fps_num / fps_den (0 if unknown)
  int64_t frame_count = -1;      // from the container (nb_frames) or duration*fps; -1 unknown (camera)
  double duration_s = 0;         // 0 unknown
  std::string codec;             // FFmpeg's codec name, e.g. "h264", "mpeg4"
  bool camera = false;
};

struct VideoFrame {
  int width = 0, height = 0;
  std::vector<uint8_t> rgb;  // width*height*3, RGB24 (same layout as dv::depth::Image::rgb)
  double time_s = 0;         // presentation time from the stream start
  int64_t index = 0;         // 0-based decode-order count of frames returned since open/seek start
};

// Frames larger than this on a side, or than max_pixels in all, are refused at open.
inline constexpr int kMaxVideoSide = 16384;
inline constexpr int64_t kMaxVideoPixels = 100'000'000;

class VideoReader {
 public:
  static std::unique_ptr<VideoReader> open_file(const std::string& path);
  // Seekable bytes in memory through a custom AVIOContext (fuzzing); name is used for messages and
  // format probing. max_pixels lowers the size limit (the fuzzer caps allocations with it).
  static std::unique_ptr<VideoReader> open_memory(std::vector<uint8_t> bytes, const std::string& name,
                                                  int64_t max_pixels = kMaxVideoPixels);
  static std::unique_ptr<VideoReader> open_camera(const std::string& device = "/dev/video0");  // V4L2
  ~VideoReader();
  VideoReader(const VideoReader&) = delete;
  VideoReader& operator=(const VideoReader&) = delete;

  const VideoInfo& info() const;
  // The next frame; false at the normal end; throws VideoError on damage (after the frames
  // before it have been returned).
  bool read(VideoFrame& frame);
  // The next read() returns the first frame at or after time_s: decodes from the key frame before
  // it and drops the earlier frames. Frame indices count again from 0. Files only.
  void seek(double time_s);

  struct Impl;

 private:
  explicit VideoReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace dv::media
