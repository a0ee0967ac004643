#include "media/video/video_writer.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <vector>

#include "media/video/ffmpeg_util.h"

extern "C" {
#include <libavutil/opt.h>
}

namespace dv::media {

using namespace ffmpeg;

struct VideoWriter::Impl {
  std::string path, name;
  int width = 0, height = 0;
  AVFormatContext* fmt = nullptr;
  AVStream* st = nullptr;
  CodecContextPtr enc;
  FramePtr frame = make_frame();
  PacketPtr pkt = make_packet();
  SwsPtr sws;
  std::vector<uint8_t> padded;  // odd sizes: the frame with its edge repeated
  int64_t next_pts = 0;
  bool file_created = false;
  bool done = false;  // finished or abandoned

  void close_file() {
    if (fmt != nullptr && fmt->pb != nullptr && !(fmt->oformat->flags & AVFMT_NOFILE)) avio_closep(&fmt->pb);
  }
  ~Impl() {
    close_file();
    avformat_free_context(fmt);
  }
};

namespace {

std::string lower_extension(const std::string& path) {
  const std::string base = base_name(path);
  const size_t dot = base.find_last_of('.');
  std::string ext = dot == std::string::npos ? "" : base.substr(dot);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return ext;
}

const AVCodec* find_encoder(const VideoWriter::Impl& d, const std::string& requested) {
  std::string name = requested;
  if (name.empty()) {
    const std::string ext = lower_extension(d.path);
    if (ext == ".webm")
      name = "libvpx-vp9";
    else if (ext == ".mp4" || ext == ".mov" || ext == ".mkv")
      name = "libx264";
  }
  const AVCodec* codec = name.empty() ? avcodec_find_encoder(d.fmt->oformat->video_codec) : avcodec_find_encoder_by_name(name.c_str());
  if (codec == nullptr || codec->type != AVMEDIA_TYPE_VIDEO)
    throw VideoError(d.name + ": no video encoder '" + (name.empty() ? avcodec_get_name(d.fmt->oformat->video_codec) : name) + "' here");
  return codec;
}

void set_quality(AVCodecContext& enc, const std::string& codec, int crf) {
  if (codec == "libx264") {
    av_opt_set(enc.priv_data, "preset", "veryfast", 0);
    av_opt_set_double(enc.priv_data, "crf", crf, 0);
  } else if (codec == "libvpx-vp9") {
    enc.bit_rate = 0;  // constant quality: crf alone sets it
    av_opt_set_int(enc.priv_data, "crf", crf, 0);
    av_opt_set(enc.priv_data, "deadline", "good", 0);
    av_opt_set_int(enc.priv_data, "cpu-used", 5, 0);  // fast enough on two cores
    av_opt_set_int(enc.priv_data, "row-mt", 1, 0);
  }
}

// Sends a frame (nullptr: the flush) and writes every packet the encoder has ready.
void encode(VideoWriter::Impl& d, const AVFrame* frame) {
  int err = avcodec_send_frame(d.enc.get(), frame);
  if (err < 0) throw VideoError(d.name + ": encoding failed (" + error_text(err) + ")");
  for (;;) {
    err = avcodec_receive_packet(d.enc.get(), d.pkt.get());
    if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return;
    if (err < 0) throw VideoError(d.name + ": encoding failed (" + error_text(err) + ")");
    av_packet_rescale_ts(d.pkt.get(), d.enc->time_base, d.st->time_base);
    d.pkt->stream_index = d.st->index;
    err = av_interleaved_write_frame(d.fmt, d.pkt.get());  // takes the packet's data
    if (err < 0) throw VideoError(d.name + " cannot be written (" + error_text(err) + ")");
  }
}

void open(VideoWriter::Impl& d, const VideoWriterOptions& options) {
  init_once();
  int err = avformat_alloc_output_context2(&d.fmt, nullptr, nullptr, d.path.c_str());
  if (err < 0) throw VideoError(d.name + ": no video format for this file name (" + error_text(err) + ")");
  const AVCodec* codec = find_encoder(d, options.codec);
  d.enc.reset(avcodec_alloc_context3(codec));
  if (!d.enc) throw std::bad_alloc();
  AVCodecContext& enc = *d.enc;
  enc.width = (d.width + 1) & ~1;  // yuv420p needs even sizes: write() pads by repeating the edge
  enc.height = (d.height + 1) & ~1;
  enc.pix_fmt = AV_PIX_FMT_YUV420P;
  enc.time_base = AVRational{options.fps_den, options.fps_num};  // frame i at pts i
  enc.framerate = AVRational{options.fps_num, options.fps_den};
  enc.gop_size = std::max(1, 2 * options.fps_num / options.fps_den);  // a key frame every ~2 s: seeks decode at most that
  enc.thread_count = 2;
  set_quality(enc, codec->name, options.crf);
  if (d.fmt->oformat->flags & AVFMT_GLOBALHEADER) enc.flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  err = avcodec_open2(&enc, codec, nullptr);
  if (err < 0) throw VideoError(d.name + ": the encoder '" + codec->name + "' cannot be opened (" + error_text(err) + ")");
  d.st = avformat_new_stream(d.fmt, nullptr);
  if (d.st == nullptr) throw std::bad_alloc();
  d.st->time_base = enc.time_base;
  d.st->avg_frame_rate = enc.framerate;
  err = avcodec_parameters_from_context(d.st->codecpar, &enc);
  if (err < 0) throw VideoError(d.name + ": " + error_text(err));
  if (!(d.fmt->oformat->flags & AVFMT_NOFILE)) {
    err = avio_open(&d.fmt->pb, d.path.c_str(), AVIO_FLAG_WRITE);
    if (err < 0) throw VideoError(d.name + " cannot be created (" + error_text(err) + ")");
    d.file_created = true;
  }
  // MP4/MOV: the index moves to the front at the end, so a page can play the file while it loads
  // and a cut copy still has its first frames.
  AVDictionary* mux_options = nullptr;
  const std::string format_name = d.fmt->oformat->name;
  if (format_name.find("mp4") != std::string::npos || format_name.find("mov") != std::string::npos)
    av_dict_set(&mux_options, "movflags", "+faststart", 0);
  err = avformat_write_header(d.fmt, &mux_options);
  av_dict_free(&mux_options);
  if (err < 0) throw VideoError(d.name + " cannot be written (" + error_text(err) + ")");
  d.frame->format = enc.pix_fmt;
  d.frame->width = enc.width;
  d.frame->height = enc.height;
  err = av_frame_get_buffer(d.frame.get(), 0);
  if (err < 0) throw std::bad_alloc();
  d.sws.reset(sws_getContext(enc.width, enc.height, AV_PIX_FMT_RGB24, enc.width, enc.height, AV_PIX_FMT_YUV420P,
                             SWS_BILINEAR | SWS_ACCURATE_RND, nullptr, nullptr, nullptr));
  if (!d.sws) throw VideoError(d.name + ": cannot convert RGB to yuv420p");
}

// An odd-sized frame copied into the even-sized one with its last column/row repeated, so the
// padding looks like the edge after encoding too.
const uint8_t* pad_to_even(VideoWriter::Impl& d, const uint8_t* rgb) {
  const int w = d.enc->width, h = d.enc->height;
  if (w == d.width && h == d.height) return rgb;
  d.padded.resize(size_t(w) * h * 3);
  for (int y = 0; y < h; ++y) {
    const uint8_t* src = rgb + size_t(std::min(y, d.height - 1)) * d.width * 3;
    uint8_t* dst = d.padded.data() + size_t(y) * w * 3;
    std::memcpy(dst, src, size_t(d.width) * 3);
    if (w > d.width) std::memcpy(dst + d.width * 3, src + (d.width - 1) * 3, 3);
  }
  return d.padded.data();
}

}  // namespace

VideoWriter::VideoWriter(const std::string& path, int width, int height, const VideoWriterOptions& options)
    : impl_(std::make_unique<Impl>()) {
  Impl& d = *impl_;
  d.path = path;
  d.name = base_name(path);
  d.width = width;
  d.height = height;
  if (width <= 0 || height <= 0 || width > kMaxVideoSide || height > kMaxVideoSide || options.fps_num <= 0 || options.fps_den <= 0)
    throw VideoError(d.name + ": cannot write a " + std::to_string(width) + "x" + std::to_string(height) + " video at " +
                     std::to_string(options.fps_num) + "/" + std::to_string(options.fps_den) + " fps");
  try {
    open(d, options);
  } catch (...) {
    abandon();  // no half-made file is left behind
    throw;
  }
}

VideoWriter::~VideoWriter() {
  if (impl_ && !impl_->done) {
    try {
      finish();
    } catch (...) {  // never throws: a destructor may run while another error unwinds
    }
  }
}

void VideoWriter::write(const uint8_t* rgb) {
  Impl& d = *impl_;
  if (d.done) throw VideoError(d.name + ": write() after finish() or abandon()");
  const int err = av_frame_make_writable(d.frame.get());  // the encoder may still hold the last one
  if (err < 0) throw VideoError(d.name + ": encoding failed (" + error_text(err) + ")");
  const uint8_t* src[4] = {pad_to_even(d, rgb), nullptr, nullptr, nullptr};
  const int src_stride[4] = {3 * d.enc->width, 0, 0, 0};
  sws_scale(d.sws.get(), src, src_stride, 0, d.enc->height, d.frame->data, d.frame->linesize);
  d.frame->pts = d.next_pts++;
  encode(d, d.frame.get());
}

void VideoWriter::finish() {
  Impl& d = *impl_;
  if (d.done) return;
  d.done = true;
  encode(d, nullptr);
  int err = av_write_trailer(d.fmt);
  if (err < 0) throw VideoError(d.name + " cannot be written (" + error_text(err) + ")");
  if (d.fmt->pb != nullptr && !(d.fmt->oformat->flags & AVFMT_NOFILE)) err = avio_closep(&d.fmt->pb);
  if (err < 0) throw VideoError(d.name + " cannot be written (" + error_text(err) + ")");
}

void VideoWriter::abandon() {
  Impl& d = *impl_;
  d.done = true;
  d.close_file();
  if (d.file_created) std::remove(d.path.c_str());
  d.file_created = false;
}

}  // namespace dv::media
