#include "media/video/video_reader.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <optional>

#include "media/video/ffmpeg_util.h"

extern "C" {
#include <libavutil/pixdesc.h>
#include <libavutil/time.h>
}

namespace dv::media {

using namespace ffmpeg;

double VideoInfo::fps() const { return fps_num > 0 && fps_den > 0 ? double(fps_num) / fps_den : 0.0; }

struct VideoReader::Impl {
  std::string name;  // for messages: the file's basename, or the camera's device path
  bool camera = false;
  int64_t max_pixels = kMaxVideoPixels;
  int threads = 2;  // the machine's other core runs inference; decoding needs no more
  std::vector<uint8_t> memory;  // open_memory's bytes, read through avio
  int64_t memory_pos = 0;
  AVIOContext* avio = nullptr;
  AVFormatContext* fmt = nullptr;
  AVStream* st = nullptr;
  CodecContextPtr dec;
  PacketPtr pkt = make_packet();
  FramePtr frame = make_frame();
  SwsPtr sws;
  std::vector<uint8_t> scratch;  // aligned rows for sws_scale, copied into the tight frame
  VideoInfo info;
  int64_t start_pts = 0;
  bool draining = false;  // the decoder got its flush packet
  bool damaged = false;   // a read, packet or decode error: the end is reported as damage
  bool seeked = false;
  int64_t returned = 0;   // frames handed out since open/seek (VideoFrame::index)
  int64_t delivered = 0;  // frames decoded since open (for "ends early after frame N")
  int64_t skip_before = AV_NOPTS_VALUE;  // after a seek: frames before this pts are dropped
  int64_t last_pts = AV_NOPTS_VALUE;
  double last_time = 0;
  std::optional<VideoFrame> pending;  // the first frame, decoded at open to tell "no frames" early

  ~Impl() {
    avformat_close_input(&fmt);  // does not close a custom avio
    if (avio != nullptr) {
      av_freep(&avio->buffer);
      avio_context_free(&avio);
    }
  }
};

namespace {

int memory_read(void* opaque, uint8_t* buf, int size) {
  auto& d = *static_cast<VideoReader::Impl*>(opaque);
  const int64_t left = int64_t(d.memory.size()) - d.memory_pos;
  if (left <= 0) return AVERROR_EOF;
  const int n = int(std::min<int64_t>(left, size));
  std::memcpy(buf, d.memory.data() + d.memory_pos, size_t(n));
  d.memory_pos += n;
  return n;
}

int64_t memory_seek(void* opaque, int64_t offset, int whence) {
  auto& d = *static_cast<VideoReader::Impl*>(opaque);
  const int64_t size = int64_t(d.memory.size());
  whence &= ~AVSEEK_FORCE;
  if (whence == AVSEEK_SIZE) return size;
  const int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? d.memory_pos : whence == SEEK_END ? size : -1;
  // Compared before adding: a demuxer may pass any offset (no signed overflow).
  if (base < 0 || offset < -base || offset > size - base) return AVERROR(EINVAL);
  d.memory_pos = base + offset;
  return d.memory_pos;
}

// The codec as a message names it; an unknown one by its fourcc, e.g. 'abcd'.
std::string codec_label(const AVCodecParameters& par) {
  if (par.codec_id != AV_CODEC_ID_NONE) return avcodec_get_name(par.codec_id);
  if (par.codec_tag == 0) return "unknown";
  std::string tag;
  for (int i = 0; i < 4; ++i) {
    const char c = char((par.codec_tag >> (8 * i)) & 0xff);
    tag += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  return tag;
}

void check_size(const VideoReader::Impl& d, int w, int h) {
  if (w > kMaxVideoSide || h > kMaxVideoSide || int64_t(w) * h > d.max_pixels)
    throw VideoError(d.name + " is " + std::to_string(w) + "x" + std::to_string(h) + ", larger than " +
                     std::to_string(kMaxVideoSide) + " on a side or " + std::to_string(d.max_pixels) + " pixels");
}

[[noreturn]] void throw_open_error(const VideoReader::Impl& d, const std::string& path, int err) {
  if (d.camera) {
    struct stat sb;
    if (err == AVERROR(ENOENT) || stat(path.c_str(), &sb) != 0) throw VideoError("no camera at " + d.name);
    throw VideoError("the camera " + d.name + " cannot be opened (" + error_text(err) + ")");
  }
  if (err == AVERROR(ENOENT) || err == AVERROR(EACCES))
    throw VideoError(d.name + " cannot be opened (" + error_text(err) + ")");
  throw VideoError(d.name + " is not a video FFmpeg can read (" + error_text(err) + ")");
}

// The video stream: the first that is not a cover picture (audio files carry those as "video").
int pick_video_stream(const VideoReader::Impl& d) {
  bool audio = false, subtitles = false;
  for (unsigned i = 0; i < d.fmt->nb_streams; ++i) {
    const AVStream* s = d.fmt->streams[i];
    if (s->codecpar->codec_type == AVMEDIA_TYPE_VIDEO && !(s->disposition & AV_DISPOSITION_ATTACHED_PIC)) return int(i);
    audio |= s->codecpar->codec_type == AVMEDIA_TYPE_AUDIO;
    subtitles |= s->codecpar->codec_type == AVMEDIA_TYPE_SUBTITLE;
  }
  // An MP4 written with no frames (ffmpeg -frames:v 0) has no tracks at all.
  if (d.fmt->nb_streams == 0) throw VideoError(d.name + " has no video frames");
  // Streams of no known kind: e.g. an MP4 cut inside its index.
  const char* what = audio ? "audio only" : subtitles ? "subtitles only" : "the file may be truncated or damaged";
  throw VideoError(d.name + " has no video stream (" + what + ")");
}

void fill_info(VideoReader::Impl& d) {
  const AVStream& st = *d.st;
  VideoInfo& info = d.info;
  info.width = st.codecpar->width;
  info.height = st.codecpar->height;
  AVRational rate = st.avg_frame_rate;
  if (rate.num <= 0 || rate.den <= 0) rate = st.r_frame_rate;
  if (rate.num > 0 && rate.den > 0) info.fps_num = rate.num, info.fps_den = rate.den;
  if (st.duration != AV_NOPTS_VALUE && st.duration > 0)
    info.duration_s = double(st.duration) * av_q2d(st.time_base);
  else if (d.fmt->duration != AV_NOPTS_VALUE && d.fmt->duration > 0)
    info.duration_s = double(d.fmt->duration) / AV_TIME_BASE;
  if (!std::isfinite(info.duration_s) || info.duration_s < 0) info.duration_s = 0;
  if (!d.camera) {
    const double estimate = info.duration_s * info.fps();
    if (st.nb_frames > 0)
      info.frame_count = st.nb_frames;
    else if (estimate >= 0.5 && estimate < 1e15)
      info.frame_count = std::llround(estimate);
  }
  info.codec = codec_label(*st.codecpar);
  info.camera = d.camera;
  d.start_pts = st.start_time != AV_NOPTS_VALUE ? st.start_time : 0;
}

void open_decoder(VideoReader::Impl& d) {
  const AVCodecParameters& par = *d.st->codecpar;
  const std::string cannot = d.name + ": the video codec '" + codec_label(par) + "' cannot be decoded here";
  const AVCodec* codec = avcodec_find_decoder(par.codec_id);
  if (codec == nullptr) throw VideoError(cannot);
  d.dec.reset(avcodec_alloc_context3(codec));
  if (!d.dec) throw std::bad_alloc();
  int err = avcodec_parameters_to_context(d.dec.get(), &par);
  d.dec->thread_count = d.threads;
  d.dec->max_pixels = d.max_pixels;  // FFmpeg's own cap on what it allocates for a frame
  d.dec->pkt_timebase = d.st->time_base;
  if (err >= 0) err = avcodec_open2(d.dec.get(), codec, nullptr);
  if (err < 0) throw VideoError(cannot + " (" + error_text(err) + ")");
}

void find_stream_info(VideoReader::Impl& d) {
  // Probing decodes a few frames too: the same pixel cap and thread count apply to it.
  std::vector<AVDictionary*> options(d.fmt->nb_streams, nullptr);
  for (AVDictionary*& o : options) {
    av_dict_set_int(&o, "max_pixels", d.max_pixels, 0);
    av_dict_set_int(&o, "threads", 1, 0);
  }
  const int err = avformat_find_stream_info(d.fmt, options.empty() ? nullptr : options.data());
  for (AVDictionary*& o : options) av_dict_free(&o);
  if (err < 0) throw VideoError(d.name + " is not a video FFmpeg can read (" + error_text(err) + ")");
}

bool decode_next(VideoReader::Impl& d, VideoFrame& out);

void open_input(VideoReader::Impl& d, const std::string& url, const AVInputFormat* input_format) {
  init_once();
  AVFormatContext* fmt = avformat_alloc_context();
  if (fmt == nullptr) throw std::bad_alloc();
  if (d.avio != nullptr) {
    fmt->pb = d.avio;
    fmt->flags |= AVFMT_FLAG_CUSTOM_IO;
  }
  const int err = avformat_open_input(&fmt, url.c_str(), input_format, nullptr);  // frees fmt on failure
  if (err < 0) throw_open_error(d, url, err);
  d.fmt = fmt;
  // Sizes in the header are refused before probing decodes (and allocates) a frame.
  for (unsigned i = 0; i < fmt->nb_streams; ++i)
    if (fmt->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_VIDEO)
      check_size(d, fmt->streams[i]->codecpar->width, fmt->streams[i]->codecpar->height);
  find_stream_info(d);
  d.st = d.fmt->streams[pick_video_stream(d)];
  // Only this stream's packets are needed: the demuxer may skip the others.
  for (unsigned i = 0; i < d.fmt->nb_streams; ++i)
    if (d.fmt->streams[i] != d.st) d.fmt->streams[i]->discard = AVDISCARD_ALL;
  check_size(d, d.st->codecpar->width, d.st->codecpar->height);
  fill_info(d);
  open_decoder(d);
  VideoFrame first;
  if (!decode_next(d, first)) {
    if (d.camera) throw VideoError("the camera stopped delivering frames");
    throw VideoError(d.name + " has no video frames");
  }
  if (d.info.width <= 0 || d.info.height <= 0) d.info.width = first.width, d.info.height = first.height;
  d.pending = std::move(first);
}

[[noreturn]] void throw_damaged(const VideoReader::Impl& d) {
  if (d.camera) throw VideoError("the camera stopped delivering frames");
  // After a seek the frame number comes from the time of the last good frame.
  const int64_t n = !d.seeked ? d.delivered : d.last_pts == AV_NOPTS_VALUE ? 0 : std::llround(d.last_time * d.info.fps()) + 1;
  throw VideoError(d.name + " ends early after frame " + std::to_string(n) + " (the file is truncated or damaged)");
}

// A container that knows its duration (MP4 per stream; Matroska/WebM for the file, used when video is
// its only stream) and whose frames stop two or more frame periods short of it was cut: Matroska
// demuxers end such a file like a whole one.
bool ends_early(const VideoReader::Impl& d) {
  const double fps = d.info.fps();
  if (d.camera || fps <= 0 || d.last_pts == AV_NOPTS_VALUE) return false;
  double duration = 0;
  if (d.st->duration != AV_NOPTS_VALUE && d.st->duration > 0)
    duration = double(d.st->duration) * av_q2d(d.st->time_base);
  else if (d.fmt->nb_streams == 1 && d.fmt->duration != AV_NOPTS_VALUE && d.fmt->duration > 0)
    duration = double(d.fmt->duration) / AV_TIME_BASE;
  return duration > 0 && duration - (d.last_time + 1.0 / fps) > 1.5 / fps;
}

void start_draining(VideoReader::Impl& d) {
  d.draining = true;
  avcodec_send_packet(d.dec.get(), nullptr);  // returns the frames the decoder still holds
}

// One packet of the video stream to the decoder (or the flush at the end / on damage).
void feed(VideoReader::Impl& d) {
  int err = av_read_frame(d.fmt, d.pkt.get());
  for (int tries = 0; d.camera && err == AVERROR(EAGAIN) && tries < 500; ++tries) {
    av_usleep(10000);  // a camera between frames
    err = av_read_frame(d.fmt, d.pkt.get());
  }
  if (err < 0) {
    // EOF is the normal end; anything else (e.g. a sample past the end of a cut file) is damage.
    if (d.camera || err != AVERROR_EOF || (d.fmt->pb != nullptr && d.fmt->pb->error < 0)) d.damaged = true;
    start_draining(d);
    return;
  }
  if (d.pkt->stream_index != d.st->index) {
    av_packet_unref(d.pkt.get());
    return;
  }
  // A packet cut short by the end of the file would decode to a half-grey frame: stop before it.
  if (d.pkt->flags & AV_PKT_FLAG_CORRUPT) {
    av_packet_unref(d.pkt.get());
    d.damaged = true;
    start_draining(d);
    return;
  }
  // No AVERROR(EAGAIN) here: packets are only sent after receive_frame asked for more.
  err = avcodec_send_packet(d.dec.get(), d.pkt.get());
  av_packet_unref(d.pkt.get());
  if (err < 0) {
    d.damaged = true;
    start_draining(d);
  }
}

void to_rgb(VideoReader::Impl& d, const AVFrame& f, VideoFrame& out) {
  const int w = f.width, h = f.height;
  if (w <= 0 || h <= 0) throw_damaged(d);
  check_size(d, w, h);  // a stream may change size mid-way
  const auto format = AVPixelFormat(f.format);
  d.sws.reset(sws_getCachedContext(d.sws.release(), w, h, format, w, h, AV_PIX_FMT_RGB24,
                                   SWS_BILINEAR | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT, nullptr, nullptr, nullptr));
  if (!d.sws) {
    const char* fmt_name = av_get_pix_fmt_name(format);
    throw VideoError(d.name + ": its pixel format '" + (fmt_name ? fmt_name : "unknown") + "' cannot be converted to RGB");
  }
  // Tagged colour matrices and full-range video convert as tagged; untagged ones as BT.601.
  if (f.colorspace != AVCOL_SPC_UNSPECIFIED || f.color_range == AVCOL_RANGE_JPEG) {
    const int* coefficients = sws_getCoefficients(f.colorspace == AVCOL_SPC_UNSPECIFIED ? SWS_CS_DEFAULT : f.colorspace);
    sws_setColorspaceDetails(d.sws.get(), coefficients, f.color_range == AVCOL_RANGE_JPEG, sws_getCoefficients(SWS_CS_DEFAULT),
                             1, 0, 1 << 16, 1 << 16);
  }
  // sws writes whole SIMD blocks: rows aligned and padded in scratch, then copied tight.
  const int stride = (w * 3 + 63) & ~63;
  d.scratch.resize(size_t(stride) * size_t(h) + 64);
  uint8_t* dst[4] = {d.scratch.data(), nullptr, nullptr, nullptr};
  int dst_stride[4] = {stride, 0, 0, 0};
  sws_scale(d.sws.get(), f.data, f.linesize, 0, h, dst, dst_stride);
  out.width = w;
  out.height = h;
  out.rgb.resize(size_t(w) * size_t(h) * 3);
  for (int y = 0; y < h; ++y) std::memcpy(out.rgb.data() + size_t(y) * w * 3, d.scratch.data() + size_t(y) * stride, size_t(w) * 3);
}

bool decode_next(VideoReader::Impl& d, VideoFrame& out) {
  for (;;) {
    const int err = avcodec_receive_frame(d.dec.get(), d.frame.get());
    if (err == AVERROR(EAGAIN) && !d.draining) {
      feed(d);
      continue;
    }
    if (err == AVERROR_EOF || err == AVERROR(EAGAIN)) {
      if (d.damaged || ends_early(d)) throw_damaged(d);
      return false;
    }
    if (err < 0) {  // a frame that cannot be decoded: return what came before it, then report
      d.damaged = true;
      if (!d.draining) start_draining(d);
      continue;
    }
    const int64_t pts = d.frame->best_effort_timestamp;
    if (d.skip_before != AV_NOPTS_VALUE && pts != AV_NOPTS_VALUE && pts < d.skip_before) {
      av_frame_unref(d.frame.get());
      continue;
    }
    d.skip_before = AV_NOPTS_VALUE;
    to_rgb(d, *d.frame, out);
    av_frame_unref(d.frame.get());
    // A frame without a time follows the previous one by one frame period.
    const double fps = d.info.fps();
    if (pts != AV_NOPTS_VALUE)
      d.last_time = double(pts - d.start_pts) * av_q2d(d.st->time_base);
    else if (d.delivered > 0 && fps > 0)
      d.last_time += 1.0 / fps;
    d.last_pts = pts != AV_NOPTS_VALUE ? pts : d.last_pts;
    out.time_s = d.last_time;
    out.index = d.returned++;
    ++d.delivered;
    return true;
  }
}

}  // namespace

VideoReader::VideoReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
VideoReader::~VideoReader() = default;

std::unique_ptr<VideoReader> VideoReader::open_file(const std::string& path) {
  auto d = std::make_unique<Impl>();
  d->name = base_name(path);
  open_input(*d, path, nullptr);
  return std::unique_ptr<VideoReader>(new VideoReader(std::move(d)));
}

std::unique_ptr<VideoReader> VideoReader::open_memory(std::vector<uint8_t> bytes, const std::string& name, int64_t max_pixels) {
  auto d = std::make_unique<Impl>();
  d->name = base_name(name);
  d->max_pixels = std::min(max_pixels, kMaxVideoPixels);
  d->threads = 1;  // one thread: the same bytes decode the same way every time (fuzzing)
  d->memory = std::move(bytes);
  constexpr int kBufferSize = 4096;
  auto* buffer = static_cast<unsigned char*>(av_malloc(kBufferSize));
  if (buffer == nullptr) throw std::bad_alloc();
  d->avio = avio_alloc_context(buffer, kBufferSize, 0, d.get(), memory_read, nullptr, memory_seek);
  if (d->avio == nullptr) {
    av_free(buffer);
    throw std::bad_alloc();
  }
  open_input(*d, name, nullptr);
  return std::unique_ptr<VideoReader>(new VideoReader(std::move(d)));
}

std::unique_ptr<VideoReader> VideoReader::open_camera(const std::string& device) {
  auto d = std::make_unique<Impl>();
  d->name = device;
  d->camera = true;
  init_once();
  const AVInputFormat* v4l2 = av_find_input_format("video4linux2");
  if (v4l2 == nullptr) throw VideoError("the camera " + device + " cannot be opened (this FFmpeg has no video4linux2 input)");
  open_input(*d, device, v4l2);
  return std::unique_ptr<VideoReader>(new VideoReader(std::move(d)));
}

const VideoInfo& VideoReader::info() const { return impl_->info; }

bool VideoReader::read(VideoFrame& frame) {
  Impl& d = *impl_;
  if (d.pending) {
    frame = std::move(*d.pending);
    d.pending.reset();
    return true;
  }
  return decode_next(d, frame);
}

void VideoReader::seek(double time_s) {
  Impl& d = *impl_;
  if (d.camera) throw VideoError("the camera " + d.name + " cannot seek");
  if (std::isnan(time_s)) throw VideoError(d.name + ": cannot seek to NaN seconds");
  const double t = std::clamp(time_s, 0.0, 1e9);  // keeps the microsecond count in range
  const int64_t target = d.start_pts + av_rescale_q(std::llround(t * 1e6), AVRational{1, 1000000}, d.st->time_base);
  // The key frame at or before the target; failing that (e.g. before the first key frame), the start.
  int err = av_seek_frame(d.fmt, d.st->index, target, AVSEEK_FLAG_BACKWARD);
  if (err < 0) err = avformat_seek_file(d.fmt, d.st->index, INT64_MIN, d.start_pts, d.start_pts, 0);
  if (err < 0) throw VideoError(d.name + " cannot seek (" + error_text(err) + ")");
  avcodec_flush_buffers(d.dec.get());
  d.pending.reset();
  d.draining = d.damaged = false;
  d.seeked = true;
  d.returned = 0;
  d.skip_before = target;
  d.last_pts = AV_NOPTS_VALUE;
}

}  // namespace dv::media
