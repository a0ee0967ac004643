#include "media/write/animated_webp.h"

#include <cmath>
#include <stdexcept>

#include <webp/encode.h>
#include <webp/mux.h>

namespace dv::media {

struct AnimatedWebpWriter::Encoder {
  WebPAnimEncoder* anim = nullptr;
  WebPConfig config;
  ~Encoder() {
    if (anim) WebPAnimEncoderDelete(anim);
  }
};

namespace {

int timestamp_ms(int frame, float fps) { return int(std::lround(1000.0 * double(frame) / double(fps))); }

}  // namespace

AnimatedWebpWriter::AnimatedWebpWriter(int width, int height, const AnimatedWebpOptions& o)
    : encoder_(std::make_unique<Encoder>()), options_(o), width_(width), height_(height) {
  if (width <= 0 || height <= 0 || width > WEBP_MAX_DIMENSION || height > WEBP_MAX_DIMENSION)
    throw std::invalid_argument("animated WebP: " + std::to_string(width) + " x " + std::to_string(height) +
                                " is not a size WebP can hold (1..16383)");
  if (!(o.fps >= 1.0f && o.fps <= 120.0f) || !(o.quality >= 0.0f && o.quality <= 100.0f) || o.method < 0 || o.method > 6)
    throw std::invalid_argument("animated WebP: frame rate 1..120, quality 0..100, method 0..6");
  WebPAnimEncoderOptions anim_options;
  if (!WebPAnimEncoderOptionsInit(&anim_options) || !WebPConfigInit(&encoder_->config))
    throw std::runtime_error("animated WebP: libwebp's version does not match its headers");
  anim_options.anim_params.loop_count = o.loops;
  encoder_->config.quality = o.quality;
  encoder_->config.method = o.method;
  encoder_->anim = WebPAnimEncoderNew(width, height, &anim_options);
  if (!encoder_->anim) throw std::runtime_error("animated WebP: out of memory");
}

AnimatedWebpWriter::~AnimatedWebpWriter() = default;

void AnimatedWebpWriter::add(const uint8_t* rgb) {
  WebPPicture picture;
  if (!WebPPictureInit(&picture)) throw std::runtime_error("animated WebP: libwebp's version does not match its headers");
  picture.width = width_, picture.height = height_, picture.use_argb = 1;
  const bool ok = WebPPictureImportRGB(&picture, rgb, width_ * 3) &&
                  WebPAnimEncoderAdd(encoder_->anim, &picture, timestamp_ms(frames_, options_.fps), &encoder_->config);
  WebPPictureFree(&picture);
  if (!ok) throw std::runtime_error(std::string("animated WebP: frame ") + std::to_string(frames_) + ": " +
                                    WebPAnimEncoderGetError(encoder_->anim));
  ++frames_;
}

std::vector<uint8_t> AnimatedWebpWriter::finish() {
  if (frames_ == 0) throw std::runtime_error("animated WebP: no frames");
  WebPData data;
  WebPDataInit(&data);
  const bool ok = WebPAnimEncoderAdd(encoder_->anim, nullptr, timestamp_ms(frames_, options_.fps), nullptr) &&
                  WebPAnimEncoderAssemble(encoder_->anim, &data);
  if (!ok) throw std::runtime_error(std::string("animated WebP: ") + WebPAnimEncoderGetError(encoder_->anim));
  std::vector<uint8_t> bytes(data.bytes, data.bytes + data.size);
  WebPDataClear(&data);
  return bytes;
}

}  // namespace dv::media
