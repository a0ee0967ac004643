// Video encoding natively with FFmpeg: RGB24 frames in, an MP4/MOV/MKV (H.264) or WebM (VP9) out.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "media/video/video_reader.h"  // VideoError

namespace dv::media {

struct VideoWriterOptions {
  int fps_num = 30, fps_den = 1;
  // "" = by extension: .mp4/.mov -> libx264 (yuv420p, crf 18, preset veryfast), .webm -> libvpx-vp9,
  // .mkv -> libx264; other extensions: the container's default encoder.
  std::string codec;
  int crf = 18;
};

// Odd widths/heights are padded by one pixel (the edge repeated) to the even size yuv420p needs,
// so such a video reads back one pixel wider/taller.
class VideoWriter {
 public:
  // Throws VideoError (no encoder, cannot create the file).
  VideoWriter(const std::string& path, int width, int height, const VideoWriterOptions& options);
  ~VideoWriter();  // finishes if finish() was not called; never throws
  VideoWriter(const VideoWriter&) = delete;
  VideoWriter& operator=(const VideoWriter&) = delete;

  void write(const uint8_t* rgb);  // one RGB24 frame of width*height*3; frame i gets pts i
  void finish();                   // flushes the encoder, writes the trailer
  void abandon();                  // stops and deletes the partial file (Cancel)

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace dv::media
