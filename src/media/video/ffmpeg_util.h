// Internal to dv_media_video: FFmpeg error text, owners that free FFmpeg objects, message names.
#pragma once

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libswscale/swscale.h>
}

#include <memory>
#include <string>

namespace dv::media::ffmpeg {

// FFmpeg's text for an AVERROR code, e.g. "Invalid data found when processing input".
std::string error_text(int err);
// Messages name a file by its last path component.
std::string base_name(const std::string& path);
// FFmpeg logs to stderr by default; errors reach the user as one VideoError instead, so its log is
// silenced once (DV_FFMPEG_LOG=1 in the environment keeps it, for debugging).
void init_once();

struct CodecContextDeleter {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameDeleter {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketDeleter {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct SwsDeleter {
  void operator()(SwsContext* s) const { sws_freeContext(s); }
};
using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextDeleter>;
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;
using SwsPtr = std::unique_ptr<SwsContext, SwsDeleter>;

// av_frame_alloc / av_packet_alloc that throw std::bad_alloc instead of returning null.
FramePtr make_frame();
PacketPtr make_packet();

}  // namespace dv::media::ffmpeg
