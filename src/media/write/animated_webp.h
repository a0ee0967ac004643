// Animated WebP with libwebp's WebPAnimEncoder: the 3D photo's parallax loop as an image that
// chats, galleries and browsers show without a video player.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace dv::media {

struct AnimatedWebpOptions {
  float fps = 30.0f;
  float quality = 80.0f;  // lossy, 0..100
  int method = 2;         // 0 (fast) .. 6 (small): encoding effort
  int loops = 0;          // 0: forever
};

// Frames are kept encoded in memory; the file is written only by finish(), so a cancelled export
// leaves nothing behind.
class AnimatedWebpWriter {
 public:
  // Throws std::invalid_argument for a size libwebp cannot take (0, over 16383) or bad options.
  AnimatedWebpWriter(int width, int height, const AnimatedWebpOptions& options = {});
  ~AnimatedWebpWriter();
  AnimatedWebpWriter(const AnimatedWebpWriter&) = delete;
  AnimatedWebpWriter& operator=(const AnimatedWebpWriter&) = delete;

  void add(const uint8_t* rgb);  // one RGB24 frame of width x height; throws std::runtime_error
  // The animation's bytes (RIFF WEBP with ANIM/ANMF chunks); then write_file or keep them.
  std::vector<uint8_t> finish();
  int frames() const { return frames_; }

 private:
  struct Encoder;
  std::unique_ptr<Encoder> encoder_;
  AnimatedWebpOptions options_;
  int width_ = 0, height_ = 0, frames_ = 0;
};

}  // namespace dv::media
