// WebP, HEIC and AVIF photos and the iPhone's HEIC depth: files made at test time by the reference
// encoders (cwebp, img2webp, webpmux, heif-enc; libheif's API where a tool cannot say it, e.g. an
// orientation: native only, the wasm build has libheif's decoders alone), decoded here and compared
// with the reference decoders (dwebp, heif-convert) within 1 level; bad files give one clear error
// each. The tools run in the wasm build too (support/run_command.h). Tests needing a missing tool
// or ../shared skip with a message. Sniffing, the depth conversions and the "not in this build"
// messages run in every build.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <stb/stb_image_write.h>

#include "support/run_command.h"
#include "support/temp_dir.h"
#include "depth/export.h"
#include "depth/heif_depth.h"
#include "depth/image.h"
#include "depth/image_format.h"
#include "depth/orientation.h"

#if DV_HAVE_HEIF
#include <libheif/heif.h>
#endif

namespace fs = std::filesystem;
namespace d = dv::depth;

namespace {

std::vector<uint8_t> bytes_of(const std::string& text) { return {text.begin(), text.end()}; }

std::string error_of(const std::vector<uint8_t>& bytes, const std::string& name) {
  try {
    d::decode_image(bytes, name);
  } catch (const d::ImageError& e) {
    return e.what();
  }
  return "<no error>";
}

// A minimal ftyp box: size, "ftyp", major brand, minor version 0, compatible brands.
std::vector<uint8_t> ftyp(const std::string& major, const std::string& compatible) {
  const uint32_t size = uint32_t(16 + compatible.size());
  std::vector<uint8_t> out = {uint8_t(size >> 24), uint8_t(size >> 16), uint8_t(size >> 8), uint8_t(size)};
  const std::string rest = "ftyp" + major + std::string(4, '\0') + compatible;
  out.insert(out.end(), rest.begin(), rest.end());
  return out;
}

void put_le(std::vector<uint8_t>* out, uint32_t value, int n) {
  for (int k = 0; k < n; ++k) out->push_back(uint8_t(value >> (8 * k)));
}

// A RIFF/WEBP file of the given chunks (each: fourcc + payload; padded to even sizes).
std::vector<uint8_t> riff_webp(const std::vector<std::pair<std::string, std::vector<uint8_t>>>& chunks) {
  std::vector<uint8_t> body = bytes_of("WEBP");
  for (const auto& [fourcc, payload] : chunks) {
    body.insert(body.end(), fourcc.begin(), fourcc.end());
    put_le(&body, uint32_t(payload.size()), 4);
    body.insert(body.end(), payload.begin(), payload.end());
    if (payload.size() % 2) body.push_back(0);
  }
  std::vector<uint8_t> out = bytes_of("RIFF");
  put_le(&out, uint32_t(body.size()), 4);
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

#if DV_HAVE_WEBP
// VP8X: flags, 3 reserved bytes, canvas width - 1 and height - 1 (24 bits each).
std::vector<uint8_t> vp8x(uint8_t flags, uint32_t width, uint32_t height) {
  std::vector<uint8_t> out = {flags, 0, 0, 0};
  put_le(&out, width - 1, 3);
  put_le(&out, height - 1, 3);
  return out;
}
#endif

// A VP8L (lossless) header claiming width x height (14 bits each), and a few bytes of bitstream.
std::vector<uint8_t> vp8l_header(uint32_t width, uint32_t height) {
  std::vector<uint8_t> out = {0x2f};
  put_le(&out, (width - 1) | (height - 1) << 14, 4);
  out.resize(out.size() + 8, 0);
  return out;
}

}  // namespace

TEST_CASE("image formats: WebP and the HEIF family are told from their first bytes") {
  using F = d::ImageFormat;
  CHECK(d::sniff_image_format(riff_webp({{"VP8L", vp8l_header(2, 2)}})) == F::webp);
  CHECK(d::sniff_image_format(ftyp("heic", "mif1heic")) == F::heic);
  CHECK(d::sniff_image_format(ftyp("avif", "mif1avifmiaf")) == F::avif);
  CHECK(d::sniff_image_format(ftyp("mif1", "heic")) == F::heic);  // a codec brand among the compatible ones
  CHECK(d::sniff_image_format(ftyp("mif1", "miaf")) == F::heif);
  CHECK(d::sniff_image_format(ftyp("isom", "isomiso2mp41")) == F::other);  // an MP4 video
  CHECK(d::sniff_image_format(bytes_of("RIFF\x10\0\0\0WAVEfmt ")) == F::other);
  CHECK(d::sniff_image_format(bytes_of("RIFF")) == F::other);
  // An MP4 is not taken for a HEIF: stb refuses it as an unknown image.
  CHECK(error_of(ftyp("isom", "mp41"), "clip.mp4").find("clip.mp4: not a supported image") != std::string::npos);
}

TEST_CASE("image formats: HEIF depth samples convert to disparity and depth by their representation") {
  d::HeifDepth depth;
  depth.width = 3;
  depth.height = 1;
  depth.samples = {0, 255, 51};
  depth.representation = d::DepthRepresentation::uniform_disparity;
  depth.d_min = 1.5;
  depth.d_max = 4.0;
  const auto disparity = d::heif_disparity_map(depth);
  CHECK(disparity[0] == doctest::Approx(1.5));
  CHECK(disparity[1] == doctest::Approx(4.0));
  CHECK(disparity[2] == doctest::Approx(1.5 + 0.2 * 2.5));
  CHECK(d::heif_depth_map(depth)[1] == doctest::Approx(0.25));  // depth = 1 / disparity

  depth.representation = d::DepthRepresentation::uniform_inverse_z;
  depth.z_near = 0.5;
  depth.z_far = 10.0;
  const auto z = d::heif_depth_map(depth);
  CHECK(z[0] == doctest::Approx(10.0));  // 0: the far plane
  CHECK(z[1] == doctest::Approx(0.5));   // max: the near plane
  CHECK(d::heif_disparity_map(depth)[2] == doctest::Approx(0.1 + 0.2 * 1.9));

  depth.representation = d::DepthRepresentation::uniform_z;
  CHECK(d::heif_depth_map(depth)[2] == doctest::Approx(0.5 + 0.2 * 9.5));
  CHECK(d::heif_disparity_map(depth)[1] == doctest::Approx(0.1));

  depth.bits = 10;  // 10-bit samples: v / 1023
  depth.samples = {1023};
  CHECK(d::heif_depth_map(depth)[0] == doctest::Approx(10.0));

  auto error = [](const d::HeifDepth& dm) {
    try {
      (void)d::heif_depth_map(dm);
    } catch (const d::ImageError& e) {
      return std::string(e.what());
    }
    return std::string("<no error>");
  };
  depth.z_far.reset();
  CHECK(error(depth) == "the depth map's representation (uniform Z) lacks z_far");
  depth.representation = d::DepthRepresentation::uniform_inverse_z;
  depth.z_far = 0.0;
  CHECK(error(depth) == "the depth map's z_far is 0.000000, not positive");
  depth.representation = d::DepthRepresentation::nonuniform_disparity;
  CHECK(error(depth) == "the depth map's representation (nonuniform disparity) cannot be converted");
  depth.representation = d::DepthRepresentation::unknown;
  CHECK(error(depth) == "the depth map's representation (unknown) cannot be converted");
}

TEST_CASE("image formats: WebP and HEIF files are not read as 16-bit grey images") {
  CHECK_THROWS_WITH_AS(d::decode_grey16(ftyp("heic", "mif1"), "depth.heic"),
                       "depth.heic: a HEIC file cannot be read as a 16-bit grey image (use PNG or PGM)", d::ImageError);
}

#if !DV_HAVE_WEBP
TEST_CASE("image formats: a build without libwebp says so for a WebP") {
  CHECK(error_of(riff_webp({{"VP8L", vp8l_header(2, 2)}}), "a.webp") == "a.webp: WebP support is not in this build");
}
#endif

#if !DV_HAVE_HEIF
TEST_CASE("image formats: a build without libheif says so for HEIC and AVIF") {
  CHECK(error_of(ftyp("heic", "mif1heic"), "a.heic") == "a.heic: HEIC support is not in this build");
  CHECK(error_of(ftyp("avif", "mif1avif"), "a.avif") == "a.avif: AVIF support is not in this build");
  CHECK_THROWS_WITH_AS(d::read_heif_depth(ftyp("heic", "mif1heic"), "a.heic"), "a.heic: HEIC support is not in this build",
                       d::ImageError);
  CHECK(!d::read_heif_depth(bytes_of("not a HEIF at all")).has_value());
}
#endif

#if DV_HAVE_WEBP
TEST_CASE("image formats: a lossless WebP made by cwebp decodes to its pixels (every build)") {
  // cwebp -lossless -exact of a 3x2 PNG: red, green, blue / white, black, (128, 64, 32).
  const std::vector<uint8_t> webp = {
      0x52, 0x49, 0x46, 0x46, 0x3a, 0x00, 0x00, 0x00, 0x57, 0x45, 0x42, 0x50, 0x56, 0x50, 0x38, 0x4c, 0x2d,
      0x00, 0x00, 0x00, 0x2f, 0x02, 0x40, 0x00, 0x00, 0x2f, 0x20, 0x10, 0x20, 0x48, 0xf3, 0x1f, 0x65, 0x43,
      0x40, 0x50, 0x74, 0xdd, 0x72, 0x02, 0x01, 0x82, 0x14, 0xff, 0x91, 0xe6, 0x3f, 0x40, 0x6c, 0x72, 0x6c,
      0x15, 0x28, 0x48, 0xdb, 0x80, 0xc5, 0xdd, 0x53, 0xb2, 0x88, 0xfe, 0xc7, 0xd5, 0x01, 0x00};
  const d::Image img = d::decode_image(webp, "tiny.webp");
  CHECK(img.width == 3);
  CHECK(img.height == 2);
  CHECK(img.rgb == std::vector<uint8_t>{255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 128, 64, 32});
}

TEST_CASE("image formats: a truncated or huge WebP gives one clear error") {
  // 16384 x 16384 (268 MP) in both the VP8X canvas and the lossless bitstream's header.
  const auto huge = riff_webp({{"VP8X", vp8x(0, 16384, 16384)}, {"VP8L", vp8l_header(16384, 16384)}});
  CHECK(error_of(huge, "huge.webp") == "huge.webp: the image is 16384x16384 (268 MP), more than the limit of 100 MP");
  // An animation's canvas alone (up to 2^24 per side, and libwebp refuses 2^32 pixels or more).
  const auto canvas = riff_webp({{"VP8X", vp8x(0x02, 1u << 24, 200)}, {"ANIM", std::vector<uint8_t>(6, 0)}});
  CHECK(error_of(canvas, "canvas.webp") == "canvas.webp: the image is 16777216x200 (3355 MP), more than the limit of 100 MP");
  // Only the header: the data it announces is missing.
  auto cut = riff_webp({{"VP8L", vp8l_header(64, 64)}});
  cut.resize(cut.size() - 6);
  CHECK(error_of(cut, "cut.webp") == "cut.webp: cannot decode the WebP (the file is truncated)");
  auto corrupt = riff_webp({{"VP8L", vp8l_header(64, 64)}});
  corrupt[20] = 0x00;  // the VP8L signature byte
  CHECK(error_of(corrupt, "bad.webp") == "bad.webp: cannot decode the WebP (the WebP data is corrupt)");
}
#endif

// ----------------------------------------------------------------------------------------------
// Against the reference tools (Debian's programs; the wasm build runs them through node).
#if DV_HAVE_WEBP || DV_HAVE_HEIF
namespace {

using dv::test::TempDir;

// True when every tool is on PATH; otherwise says which is missing (the test then skips).
bool tools_present(std::initializer_list<const char*> tools) {
  for (const char* tool : tools)
    if (dv::test::run_command("command -v " + std::string(tool) + " > /dev/null 2>&1") != 0) {
      MESSAGE("SKIPPED: " << tool << " is not installed (scripts/setup installs it)");
      return false;
    }
  return true;
}

// Runs a shell command quietly; REQUIREd to succeed by the callers.
bool run(const std::string& command) { return dv::test::run_command(command + " > /dev/null 2>&1") == 0; }

// A gradient with a bright square in the top-left corner (so a wrong turn shows) and some noise
// (so lossy codecs have detail to lose). With 4 channels, alpha is a diagonal ramp.
std::vector<uint8_t> pattern(int w, int h, int channels) {
  std::vector<uint8_t> px(size_t(w) * size_t(h) * size_t(channels));
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      uint8_t* p = &px[(size_t(y) * size_t(w) + size_t(x)) * size_t(channels)];
      const bool corner = x < w / 4 && y < h / 4;
      const int noise = int((uint32_t(x) * 2654435761u ^ uint32_t(y) * 40503u) >> 28);
      p[0] = uint8_t(corner ? 250 : x * 200 / w + noise);
      p[1] = uint8_t(corner ? 250 : y * 200 / h + noise);
      p[2] = uint8_t(corner ? 250 : 90 + noise);
      if (channels == 4) p[3] = uint8_t((x + y) * 255 / (w + h));
    }
  return px;
}

d::Image rgb_of(const std::vector<uint8_t>& px, int w, int h, int channels) {
  d::Image img{w, h, {}};
  for (size_t i = 0; i < size_t(w) * size_t(h); ++i)
    img.rgb.insert(img.rgb.end(), &px[i * size_t(channels)], &px[i * size_t(channels)] + 3);
  return img;
}

// Writes an 8-bit PNG of the pattern and returns its RGB.
d::Image write_pattern(const std::string& path, int w, int h, int channels) {
  const auto px = pattern(w, h, channels);
  REQUIRE(stbi_write_png(path.c_str(), w, h, channels, px.data(), w * channels) != 0);
  return rgb_of(px, w, h, channels);
}

// The largest difference of any channel (256 when the sizes differ).
int max_diff(const d::Image& a, const d::Image& b) {
  if (a.width != b.width || a.height != b.height || a.rgb.size() != b.rgb.size()) return 256;
  int most = 0;
  for (size_t i = 0; i < a.rgb.size(); ++i) most = std::max(most, std::abs(int(a.rgb[i]) - int(b.rgb[i])));
  return most;
}

[[maybe_unused]] bool contains(const std::vector<uint8_t>& bytes, const char* text) {  // WebP, native HEIC tests
  const std::string_view haystack(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return haystack.find(text) != std::string_view::npos;
}

}  // namespace

#if DV_HAVE_WEBP
namespace {

// A little-endian TIFF with one IFD entry: Orientation (0x0112, SHORT) = value.
std::vector<uint8_t> exif_orientation_tiff(int value) {
  return {'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, uint8_t(value), 0, 0, 0, 0, 0, 0, 0};
}

}  // namespace

TEST_CASE("image formats: WebP (lossless, lossy, with alpha) decodes as dwebp does, within 1 level") {
  if (!tools_present({"cwebp", "dwebp"})) return;
  TempDir dir;
  const d::Image rgb = write_pattern(dir / "rgb.png", 61, 37, 3);  // odd sizes: chroma edges
  const d::Image rgba = write_pattern(dir / "rgba.png", 61, 37, 4);
  struct Case {
    const char* name;
    const char* options;
    const d::Image* source;  // lossless: our decoding equals it exactly
    bool lossless;
  };
  for (const Case& c : {Case{"lossless", "-lossless", &rgb, true}, Case{"lossy", "-q 75", &rgb, false},
                        Case{"lossless_alpha", "-lossless -exact", &rgba, true}, Case{"lossy_alpha", "-q 75", &rgba, false}}) {
    CAPTURE(c.name);
    const std::string source = dir / (c.source == &rgb ? "rgb.png" : "rgba.png");
    const std::string webp = dir / (std::string(c.name) + ".webp"), ref = dir / (std::string(c.name) + "_dwebp.png");
    REQUIRE(run("cwebp " + std::string(c.options) + " " + source + " -o " + webp));
    REQUIRE(run("dwebp " + webp + " -o " + ref));  // PNG
    const d::Image ours = d::load_image(webp);
    CHECK(d::sniff_image_format(d::read_file(webp)) == d::ImageFormat::webp);
    CHECK(ours.width == 61);
    CHECK(ours.height == 37);
    CHECK(max_diff(ours, d::load_image(ref)) <= 1);
    if (c.lossless) CHECK(max_diff(ours, *c.source) == 0);
  }
}

TEST_CASE("image formats: an animated WebP gives its first frame") {
  if (!tools_present({"img2webp"})) return;
  TempDir dir;
  const d::Image first = write_pattern(dir / "f0.png", 40, 30, 3);
  std::vector<uint8_t> second(40 * 30 * 3, 17);
  REQUIRE(stbi_write_png((dir / "f1.png").c_str(), 40, 30, 3, second.data(), 40 * 3) != 0);
  REQUIRE(run("img2webp -lossless " + (dir / "f0.png") + " " + (dir / "f1.png") + " -o " + (dir / "anim.webp")));
  const auto bytes = d::read_file(dir / "anim.webp");
  CHECK(contains(bytes, "ANMF"));
  CHECK(max_diff(d::decode_image(bytes, "anim.webp"), first) == 0);
}

TEST_CASE("image formats: a WebP's EXIF orientation is applied") {
  if (!tools_present({"cwebp", "webpmux"})) return;
  TempDir dir;
  const d::Image stored = write_pattern(dir / "rgb.png", 40, 30, 3);
  REQUIRE(run("cwebp -lossless " + (dir / "rgb.png") + " -o " + (dir / "plain.webp")));
  for (const int orientation : {3, 6, 8}) {
    for (const bool prefixed : {false, true}) {  // the spec's bare TIFF, and the "Exif\0\0" some writers add
      CAPTURE(orientation);
      CAPTURE(prefixed);
      std::vector<uint8_t> exif = exif_orientation_tiff(orientation);
      if (prefixed) exif.insert(exif.begin(), {'E', 'x', 'i', 'f', 0, 0});
      d::write_bytes(dir / "exif.bin", exif);
      REQUIRE(run("webpmux -set exif " + (dir / "exif.bin") + " " + (dir / "plain.webp") + " -o " + (dir / "turned.webp")));
      const d::Image ours = d::load_image(dir / "turned.webp");
      CHECK(ours.width == (orientation == 3 ? 40 : 30));
      CHECK(max_diff(ours, d::apply_orientation(stored, orientation)) == 0);
    }
  }
}

TEST_CASE("image formats: a truncated real WebP says it is truncated") {
  if (!tools_present({"cwebp"})) return;
  TempDir dir;
  write_pattern(dir / "rgb.png", 64, 64, 3);
  for (const char* options : {"-lossless", "-q 80"}) {
    CAPTURE(options);
    REQUIRE(run("cwebp " + std::string(options) + " " + (dir / "rgb.png") + " -o " + (dir / "x.webp")));
    auto bytes = d::read_file(dir / "x.webp");
    bytes.resize(bytes.size() / 2);
    CHECK(error_of(bytes, "x.webp") == "x.webp: cannot decode the WebP (the file is truncated)");
  }
}
#endif  // DV_HAVE_WEBP

#if DV_HAVE_HEIF
namespace {

#ifndef __EMSCRIPTEN__  // libheif's encoder (x265) is native only
heif_error append_bytes(heif_context*, const void* data, size_t size, void* out) {
  auto* v = static_cast<std::vector<uint8_t>*>(out);
  v->insert(v->end(), static_cast<const uint8_t*>(data), static_cast<const uint8_t*>(data) + size);
  return heif_error{heif_error_Ok, heif_suberror_Unspecified, "ok"};
}

// `stored` as a lossless RGB HEIC (x265, 4:4:4, identity matrix) whose irot / imir boxes tell a
// viewer to show it turned as the EXIF orientation says: heif-enc 1.15 cannot write them (it
// ignores a JPEG's EXIF orientation), libheif's encoder API can.
std::vector<uint8_t> heic_with_orientation(const d::Image& stored, int orientation) {
  heif_context* ctx = heif_context_alloc();
  heif_encoder* encoder = nullptr;
  REQUIRE(heif_context_get_encoder_for_format(ctx, heif_compression_HEVC, &encoder).code == heif_error_Ok);
  heif_encoder_set_lossless(encoder, 1);
  heif_encoder_set_parameter(encoder, "chroma", "444");
  heif_image* image = nullptr;
  REQUIRE(heif_image_create(stored.width, stored.height, heif_colorspace_RGB, heif_chroma_interleaved_RGB, &image).code ==
          heif_error_Ok);
  REQUIRE(heif_image_add_plane(image, heif_channel_interleaved, stored.width, stored.height, 8).code == heif_error_Ok);
  int stride = 0;
  uint8_t* plane = heif_image_get_plane(image, heif_channel_interleaved, &stride);
  for (int y = 0; y < stored.height; ++y)
    std::memcpy(plane + size_t(y) * size_t(stride), &stored.rgb[size_t(y) * size_t(stored.width) * 3], size_t(stored.width) * 3);
  heif_color_profile_nclx* nclx = heif_nclx_color_profile_alloc();
  nclx->matrix_coefficients = heif_matrix_coefficients_RGB_GBR;
  heif_encoding_options* options = heif_encoding_options_alloc();
  options->image_orientation = heif_orientation(orientation);
  options->output_nclx_profile = nclx;
  REQUIRE(heif_context_encode_image(ctx, image, encoder, options, nullptr).code == heif_error_Ok);
  std::vector<uint8_t> out;
  heif_writer writer{1, append_bytes};
  REQUIRE(heif_context_write(ctx, &writer, &out).code == heif_error_Ok);
  heif_encoding_options_free(options);
  heif_nclx_color_profile_free(nclx);
  heif_image_release(image);
  heif_encoder_release(encoder);
  heif_context_free(ctx);
  return out;
}
#endif  // __EMSCRIPTEN__

// A HEIC made by heif-enc from the pattern (64 x 48).
std::vector<uint8_t> heif_enc_file(const TempDir& dir, const std::string& file, const std::string& options) {
  write_pattern(dir / "rgb.png", 64, 48, 3);
  REQUIRE(run("heif-enc " + options + " -o " + (dir / file) + " " + (dir / "rgb.png")));
  return d::read_file(dir / file);
}

}  // namespace

TEST_CASE("image formats: HEIC and AVIF (heif-enc) decode as heif-convert does, within 1 level") {
  if (!tools_present({"heif-enc", "heif-convert", "heif-info"})) return;
  TempDir dir;
  const d::Image rgb = write_pattern(dir / "rgb.png", 64, 48, 3);
  write_pattern(dir / "rgba.png", 64, 48, 4);
  // 10-bit monochrome from a 16-bit grey PNG (heif-enc -b 10): reduced to 8 bits here, and by
  // libpng's rounding from heif-convert's 16-bit PNG.
  d::DepthMap grey{64, 48, {}};
  for (int i = 0; i < 64 * 48; ++i) grey.values.push_back(float(i % 64) / 63.0f * float(i / 64 + 16) / 63.0f);
  d::write_png16(dir / "grey16.png", grey);
  struct Case {
    const char* file;
    const char* options;
    const char* source;
    d::ImageFormat format;
  };
  for (const Case& c : {Case{"lossy.heic", "-q 80", "rgb.png", d::ImageFormat::heic},
                        Case{"lossless.heic", "-L -p chroma=444 --matrix_coefficients=0", "rgb.png", d::ImageFormat::heic},
                        Case{"alpha.heic", "-q 80", "rgba.png", d::ImageFormat::heic},
                        Case{"grey10.heic", "-b 10 -q 90", "grey16.png", d::ImageFormat::heic},
                        Case{"lossy.avif", "-q 80", "rgb.png", d::ImageFormat::avif},
                        Case{"lossless.avif", "-L -p chroma=444 --matrix_coefficients=0", "rgb.png", d::ImageFormat::avif}}) {
    CAPTURE(c.file);
    const std::string file = dir / c.file, ref = dir / (std::string(c.file) + ".png");
    REQUIRE(run("heif-enc " + std::string(c.options) + " -o " + file + " " + (dir / c.source)));
    REQUIRE(run("heif-convert --quiet " + file + " " + ref));
    const auto bytes = d::read_file(file);
    CHECK(d::sniff_image_format(bytes) == c.format);
    const d::Image ours = d::decode_image(bytes, c.file);
    CHECK(ours.width == 64);
    CHECK(ours.height == 48);
    CHECK(max_diff(ours, d::load_image(ref)) <= 1);
    // Lossless x265 / aom through libheif's RGB <-> GBR planes still moves some samples by a level.
    if (std::string(c.file).find("lossless") == 0) CHECK(max_diff(ours, rgb) <= 1);
    CHECK(!d::read_heif_depth(bytes, c.file).has_value());  // no depth image in these
  }
}

#ifndef __EMSCRIPTEN__  // the files come from libheif's encoder
TEST_CASE("image formats: a HEIC's irot / imir orientation is applied") {
  const d::Image stored = rgb_of(pattern(40, 30, 3), 40, 30, 3);
  const bool compare_tool = tools_present({"heif-convert"});
  TempDir dir;
  for (const int orientation : {2, 3, 4, 5, 6, 7, 8}) {
    CAPTURE(orientation);
    const auto bytes = heic_with_orientation(stored, orientation);
    CHECK((contains(bytes, "irot") || contains(bytes, "imir")));
    const d::Image ours = d::decode_image(bytes, "turned.heic");
    CHECK(max_diff(ours, d::apply_orientation(stored, orientation)) <= 1);  // lossless, but for a level
    if (!compare_tool) continue;
    d::write_bytes(dir / "turned.heic", bytes);
    REQUIRE(run("heif-convert --quiet " + (dir / "turned.heic") + " " + (dir / "turned.png")));
    CHECK(max_diff(ours, d::load_image(dir / "turned.png")) <= 1);
  }
}
#endif  // __EMSCRIPTEN__

TEST_CASE("image formats: a truncated, damaged or huge HEIC gives one clear error") {
  if (!tools_present({"heif-enc"})) return;
  TempDir dir;
  const auto heic = heif_enc_file(dir, "x.heic", "-q 80");
  // Cut in the coded image ('mdat', last), and in the boxes describing it ('meta', first).
  for (const size_t keep : {heic.size() - 200, size_t(100), size_t(30)}) {
    CAPTURE(keep);
    const std::vector<uint8_t> cut(heic.begin(), heic.begin() + std::ptrdiff_t(keep));
    CHECK(error_of(cut, "cut.heic") == "cut.heic: cannot read the HEIC (the file is truncated)");
  }
  // A size of 20000 x 20000 in every ispe box (the sizes libheif reads before decoding; heif-enc
  // writes two: the coded tile's and the displayed image's).
  auto huge = heic;
  const std::string_view view(reinterpret_cast<const char*>(huge.data()), huge.size());
  for (size_t ispe = view.find("ispe"); ispe != std::string_view::npos; ispe = view.find("ispe", ispe + 1))
    for (int k = 0; k < 4; ++k) {
      huge[ispe + 8 + size_t(k)] = uint8_t(20000u >> (24 - 8 * k));
      huge[ispe + 12 + size_t(k)] = uint8_t(20000u >> (24 - 8 * k));
    }
  CHECK(error_of(huge, "huge.heic") == "huge.heic: the image is 20000x20000 (400 MP), more than the limit of 100 MP");
  // Garbage after a valid ftyp.
  auto garbage = ftyp("heic", "mif1heic");
  garbage.resize(200, 0xAB);
  CHECK(error_of(garbage, "garbage.heic").find("garbage.heic: cannot read the HEIC (") == 0);
}

TEST_CASE("image formats: the iPhone portrait HEIC: the photo as heif-convert, its depth image pixel for pixel") {
  const fs::path file = fs::path(DV_SHARED_DIR) / "phone" / "iphone_portrait_pug.heic";
  if (!fs::exists(file)) {
    MESSAGE("SKIPPED: ../shared/phone/iphone_portrait_pug.heic is absent");
    return;
  }
  if (!tools_present({"heif-convert"})) return;
  TempDir dir;
  // Writes pug.png, pug-depth.png (and the HDR gain map, unused).
  REQUIRE(run("heif-convert --quiet --with-aux " + file.string() + " " + (dir / "pug.png")));
  const auto bytes = d::read_file(file.string());
  CHECK(d::sniff_image_format(bytes) == d::ImageFormat::heic);
  const d::Image photo = d::decode_image(bytes, "pug.heic");
  CHECK(photo.width == 4032);
  CHECK(photo.height == 3024);
  CHECK(max_diff(photo, d::load_image(dir / "pug.png")) <= 1);

  const auto depth = d::read_heif_depth(bytes, "pug.heic");
  REQUIRE(depth.has_value());
  CHECK(depth->width == 768);
  CHECK(depth->height == 576);
  CHECK(depth->bits == 8);
  CHECK(depth->representation == d::DepthRepresentation::uniform_disparity);
  REQUIRE(depth->d_min.has_value());
  REQUIRE(depth->d_max.has_value());
  CHECK(*depth->d_min == doctest::Approx(1.498047).epsilon(1e-5));
  CHECK(*depth->d_max == doctest::Approx(4.382812).epsilon(1e-5));
  CHECK(!depth->z_near.has_value());
  CHECK(!depth->z_far.has_value());
  // heif-convert writes the depth image as a grey RGB PNG: every channel equals our sample.
  const d::Image ref = d::load_image(dir / "pug-depth.png");
  REQUIRE(ref.width == depth->width);
  REQUIRE(ref.height == depth->height);
  size_t mismatches = 0;
  for (size_t i = 0; i < depth->samples.size(); ++i)
    for (int c = 0; c < 3; ++c) mismatches += ref.rgb[i * 3 + size_t(c)] != depth->samples[i];
  CHECK(mismatches == 0);
  // ../shared/phone/README.md: disparity = d_min + v/255·(d_max − d_min); depth = 1 / disparity.
  const auto disparity = d::heif_disparity_map(*depth);
  const auto metres = d::heif_depth_map(*depth);
  for (const size_t i : {size_t(0), depth->samples.size() / 2, depth->samples.size() - 1}) {
    const double want = *depth->d_min + depth->samples[i] / 255.0 * (*depth->d_max - *depth->d_min);
    CHECK(disparity[i] == doctest::Approx(want));
    CHECK(metres[i] == doctest::Approx(1 / want));
  }

  // Truncated in the middle of the coded photo.
  const std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + std::ptrdiff_t(bytes.size() / 2));
  CHECK(error_of(cut, "pug.heic") == "pug.heic: cannot read the HEIC (the file is truncated)");
  CHECK_THROWS_WITH_AS(d::read_heif_depth(cut, "pug.heic"), "pug.heic: cannot read the HEIC (the file is truncated)",
                       d::ImageError);
}
#endif  // DV_HAVE_HEIF
#endif  // DV_HAVE_WEBP || DV_HAVE_HEIF
