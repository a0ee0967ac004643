#include "media/video/ffmpeg_util.h"

extern "C" {
#include <libavdevice/avdevice.h>
#include <libavutil/log.h>
}

#include <cstdlib>
#include <mutex>
#include <new>

namespace dv::media::ffmpeg {

std::string error_text(int err) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(err, buf, sizeof buf);
  return buf;
}

std::string base_name(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

void init_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (std::getenv("DV_FFMPEG_LOG") == nullptr) av_log_set_level(AV_LOG_QUIET);
    avdevice_register_all();  // video4linux2 for open_camera
  });
}

FramePtr make_frame() {
  FramePtr f(av_frame_alloc());
  if (!f) throw std::bad_alloc();
  return f;
}

PacketPtr make_packet() {
  PacketPtr p(av_packet_alloc());
  if (!p) throw std::bad_alloc();
  return p;
}

}  // namespace dv::media::ffmpeg
