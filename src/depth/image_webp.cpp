// WebP with libwebp: still images decoded straight into the RGB buffer, animations by their first
// frame (as GIFs), the EXIF chunk's orientation applied. Only built with DV_HAVE_WEBP.
#include "depth/image_webp.h"

#include <cstring>
#include <memory>

#include <webp/decode.h>
#include <webp/demux.h>

#include "depth/exif_tags.h"
#include "depth/image_format.h"
#include "depth/orientation.h"

namespace dv::depth {

namespace {

const char* reason(VP8StatusCode status) {
  switch (status) {
    case VP8_STATUS_NOT_ENOUGH_DATA: return "the file is truncated";
    case VP8_STATUS_BITSTREAM_ERROR: return "the WebP data is corrupt";
    case VP8_STATUS_UNSUPPORTED_FEATURE: return "a WebP feature libwebp does not support";
    case VP8_STATUS_OUT_OF_MEMORY: return "out of memory";
    default: return "libwebp failed";
  }
}

[[noreturn]] void fail(const std::string& name, const char* why) {
  throw ImageError(name + ": cannot decode the WebP (" + why + ")");
}

Image decode_still(std::span<const uint8_t> bytes, const std::string& name, int width, int height) {
  Image img;
  img.width = width;
  img.height = height;
  img.rgb.resize(size_t(width) * size_t(height) * 3);
  WebPDecoderConfig config;
  if (!WebPInitDecoderConfig(&config)) fail(name, "libwebp version mismatch");
  config.output.colorspace = MODE_RGB;  // alpha dropped, as stb and libpng do here
  config.output.is_external_memory = 1;
  config.output.u.RGBA.rgba = img.rgb.data();
  config.output.u.RGBA.stride = width * 3;
  config.output.u.RGBA.size = img.rgb.size();
  const VP8StatusCode status = WebPDecode(bytes.data(), bytes.size(), &config);
  WebPFreeDecBuffer(&config.output);
  if (status != VP8_STATUS_OK) fail(name, reason(status));
  return img;
}

// The first frame composed on the canvas (frames may be smaller and offset), alpha dropped.
Image decode_first_frame(std::span<const uint8_t> bytes, const std::string& name) {
  WebPAnimDecoderOptions options;
  if (!WebPAnimDecoderOptionsInit(&options)) fail(name, "libwebp version mismatch");
  options.color_mode = MODE_RGBA;
  options.use_threads = 0;
  const WebPData data{bytes.data(), bytes.size()};
  const std::unique_ptr<WebPAnimDecoder, decltype(&WebPAnimDecoderDelete)> decoder(WebPAnimDecoderNew(&data, &options),
                                                                                   WebPAnimDecoderDelete);
  WebPAnimInfo info;
  uint8_t* rgba = nullptr;
  int timestamp = 0;
  if (!decoder || !WebPAnimDecoderGetInfo(decoder.get(), &info) ||
      !WebPAnimDecoderGetNext(decoder.get(), &rgba, &timestamp))
    fail(name, "the animation is corrupt or truncated");
  Image img;
  img.width = int(info.canvas_width);
  img.height = int(info.canvas_height);
  img.rgb.resize(size_t(img.width) * size_t(img.height) * 3);
  for (size_t i = 0, n = img.rgb.size() / 3; i < n; ++i) std::memcpy(&img.rgb[i * 3], rgba + i * 4, 3);
  return img;
}

}  // namespace

std::vector<uint8_t> webp_exif_block(std::span<const uint8_t> bytes) {
  const WebPData data{bytes.data(), bytes.size()};
  const std::unique_ptr<WebPDemuxer, decltype(&WebPDemuxDelete)> demux(WebPDemux(&data), WebPDemuxDelete);
  if (!demux || !(WebPDemuxGetI(demux.get(), WEBP_FF_FORMAT_FLAGS) & EXIF_FLAG)) return {};
  WebPChunkIterator chunk;
  if (!WebPDemuxGetChunk(demux.get(), "EXIF", 1, &chunk)) return {};
  std::vector<uint8_t> block = prefixed_exif_block({chunk.chunk.bytes, chunk.chunk.size});
  WebPDemuxReleaseChunkIterator(&chunk);
  return block;
}

Image decode_webp(std::span<const uint8_t> bytes, const std::string& name, uint64_t max_pixels) {
  WebPBitstreamFeatures features;
  const VP8StatusCode status = WebPGetFeatures(bytes.data(), bytes.size(), &features);
  if (status != VP8_STATUS_OK) fail(name, reason(status));
  // The VP8X canvas (animations) or the bitstream's size: known before any pixel is decoded.
  check_image_size(name, features.width, features.height, max_pixels);
  Image img = features.has_animation ? decode_first_frame(bytes, name)
                                      : decode_still(bytes, name, features.width, features.height);
  const int orientation = exif_orientation(webp_exif_block(bytes));
  if (orientation != 1) img = apply_orientation(img, orientation);
  return img;
}

}  // namespace dv::depth
