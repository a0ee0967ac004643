// The Dynamic Depth JPEG writer: its files read back with depthview's own reader (values within
// the 16-bit or 8-bit quantisation) and with exiftool (the depth item byte for byte, the
// Device:DepthMap fields); sizes and values the format cannot hold are refused before any work.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "depth/export.h"
#include "depth/export_dynamic_depth.h"
#include "depth/image.h"
#include "media/container/dynamic_depth.h"
#include "media/write/dynamic_depth_jpeg.h"
#include "media/write/jpeg_xmp.h"
#include "support/exiftool.h"
#include "support/temp_dir.h"

namespace {

using Bytes = std::vector<uint8_t>;
using dv::depth::DepthMap;
using dv::depth::Image;

Image gradient_photo(int w, int h) {
  Image photo{w, h, std::vector<uint8_t>(size_t(w) * size_t(h) * 3)};
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      uint8_t* p = &photo.rgb[(size_t(y) * size_t(w) + size_t(x)) * 3];
      p[0] = uint8_t(x * 255 / (w - 1)), p[1] = uint8_t(y * 255 / (h - 1)), p[2] = 128;
    }
  return photo;
}

// A smooth map (JPEG items stay close to it), nearest at the top-left, in 0.2 .. 0.9.
DepthMap ramp_depth(int w, int h) {
  DepthMap depth{w, h, std::vector<float>(size_t(w) * size_t(h))};
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) depth.values[size_t(y) * size_t(w) + size_t(x)] = 0.9f - 0.7f * float(x + y) / float(w + h - 2);
  return depth;
}

// The item's samples as dn in [0, 1].
std::vector<float> decoded_samples(const dv::media::EmbeddedDepth& embedded) {
  const dv::depth::Grey16 grey = dv::depth::decode_grey16(embedded.depth_image, "the depth item");
  return dv::media::normalized_samples(std::span<const uint16_t>(grey.values));
}

float max_difference(const std::vector<float>& a, const std::vector<float>& b) {
  REQUIRE(a.size() == b.size());
  float worst = 0;
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
  return worst;
}

std::string message_of(auto&& call) {
  try {
    call();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no std::invalid_argument)";
}

}  // namespace

TEST_CASE("dynamic depth writer: a 16-bit PNG item reads back with depthview's reader") {
  const Image photo = gradient_photo(64, 48);
  const DepthMap depth = ramp_depth(64, 48);
  dv::depth::DynamicDepthOptions options;
  options.near = 0.5, options.far = 4.0, options.units = "Meters";
  const Bytes file = dv::depth::encode_dynamic_depth_jpeg(photo, depth, options);

  const auto embedded = dv::media::read_embedded_depth(file);
  REQUIRE(embedded);
  CHECK(embedded->source == dv::media::DepthSource::DynamicDepth);
  CHECK(embedded->encoding.format == dv::media::DepthFormat::RangeInverse);
  CHECK(embedded->encoding.near == 0.5);
  CHECK(embedded->encoding.far == 4.0);
  CHECK(embedded->encoding.units == "Meters");
  CHECK(embedded->depth_mime == "image/png");
  REQUIRE(embedded->items.size() == 2);
  CHECK(embedded->items[1].offset + embedded->depth_image.size() == file.size());  // Item:Length exact, at the end
  // Camera:Image links the primary: the photo itself.
  const Image primary = dv::depth::decode_image(embedded->image, "the primary");
  CHECK(primary.width == 64);
  CHECK(primary.height == 48);
  // The samples within 16-bit rounding; the nearest pixel is Near, the farthest Far.
  const std::vector<float> dn = decoded_samples(*embedded);
  CHECK(max_difference(dn, dv::depth::dynamic_depth_samples(depth)) <= 0.5f / 65535 + 1e-6f);
  CHECK(dv::media::depth_from_normalized(dn.front(), embedded->encoding) == doctest::Approx(0.5));
  CHECK(dv::media::depth_from_normalized(dn.back(), embedded->encoding) == doctest::Approx(4.0));
}

TEST_CASE("dynamic depth writer: an 8-bit JPEG item reads back within its quantisation") {
  const DepthMap depth = ramp_depth(64, 48);
  dv::depth::DynamicDepthOptions options;
  options.png16 = false;
  const auto embedded = dv::media::read_embedded_depth(dv::depth::encode_dynamic_depth_jpeg(gradient_photo(64, 48), depth, options));
  REQUIRE(embedded);
  CHECK(embedded->depth_mime == "image/jpeg");
  CHECK(embedded->encoding.units == "None");
  // 8-bit grey samples.
  const dv::depth::Grey16 grey = dv::depth::decode_grey16(embedded->depth_image, "the depth item");
  REQUIRE(grey.width == 64);
  CHECK(grey.stored_bits == 8);
  std::vector<float> dn = dv::media::normalized_samples(std::span<const uint16_t>(grey.values));
  // 8-bit steps plus the JPEG's error on a smooth ramp.
  CHECK(max_difference(dn, dv::depth::dynamic_depth_samples(depth)) <= 4.0f / 255);
}

TEST_CASE("dynamic depth writer: exiftool extracts the depth item byte for byte and reads Device:DepthMap") {
  if (!dv::test::have_exiftool()) {
    MESSAGE("SKIPPED the comparison with exiftool: it is not installed (Debian libimage-exiftool-perl)");
    return;
  }
  dv::depth::DynamicDepthOptions options;
  options.near = 0.25, options.far = 12.5;
  const Bytes file = dv::depth::encode_dynamic_depth_jpeg(gradient_photo(40, 30), ramp_depth(40, 30), options);
  const auto embedded = dv::media::read_embedded_depth(file);
  REQUIRE(embedded);
  dv::test::TempDir tmp;
  const std::filesystem::path path = tmp / "dd.jpg";
  dv::depth::write_bytes(path.string(), file);
  // The one appended item is exiftool's JPEG trailer.
  CHECK(dv::test::exiftool("-b -Trailer", path, tmp) == embedded->depth_image);
  using dv::test::exiftool_number;
  using dv::test::exiftool_values;
  CHECK(exiftool_values("-XMP-Device:CameraDepthMapFormat", path, tmp) == std::vector<std::string>{"RangeInverse"});
  CHECK(exiftool_number("-XMP-Device:CameraDepthMapNear", path, tmp) == 0.25);
  CHECK(exiftool_number("-XMP-Device:CameraDepthMapFar", path, tmp) == 12.5);
  CHECK(exiftool_values("-XMP-Device:CameraDepthMapUnits", path, tmp) == std::vector<std::string>{"None"});
  CHECK(exiftool_values("-XMP-Device:CameraDepthMapDepthURI", path, tmp) == std::vector<std::string>{"android/depthmap"});
  CHECK(exiftool_values("-XMP-Device:ContainerDirectoryItemMime", path, tmp) ==
        std::vector<std::string>{"image/jpeg, image/png"});
  CHECK(exiftool_values("-XMP-Device:ContainerDirectoryItemLength", path, tmp) ==
        std::vector<std::string>{"0, " + std::to_string(embedded->depth_image.size())});
  CHECK(exiftool_values("-FileType -ImageWidth", path, tmp) == std::vector<std::string>{"JPEG", "40"});
}

TEST_CASE("dynamic depth writer: huge or impossible items are refused before any work") {
  dv::media::DepthEncoding e;
  e.format = dv::media::DepthFormat::RangeInverse;
  e.near = 1, e.far = 10;
  // A claimed length is checked as a number: nothing of that size is touched.
  CHECK(message_of([&] { dv::media::dynamic_depth_xmp(e, "image/png", uint64_t(1) << 40); }).find("1099511627776 bytes") !=
        std::string::npos);
  CHECK(message_of([&] { dv::media::dynamic_depth_xmp(e, "image/png", dv::media::kMaxDepthItemBytes + 1); }) !=
        "(no std::invalid_argument)");
  CHECK(message_of([&] { dv::media::dynamic_depth_xmp(e, "image/png", 0); }) != "(no std::invalid_argument)");
  CHECK(message_of([&] { dv::media::dynamic_depth_xmp(e, "image/tiff", 10); }).find("image/tiff") != std::string::npos);
  e.near = 0;
  CHECK(message_of([&] { dv::media::dynamic_depth_xmp(e, "image/png", 10); }).find("0 < near < far") != std::string::npos);
  e.near = 20;
  CHECK(message_of([&] { dv::media::dynamic_depth_xmp(e, "image/png", 10); }) != "(no std::invalid_argument)");
  e.near = NAN;
  CHECK(message_of([&] { dv::media::dynamic_depth_xmp(e, "image/png", 10); }) != "(no std::invalid_argument)");
  // An XMP packet over one APP1 segment, and a primary that is not a JPEG.
  const Bytes jpeg = dv::depth::encode_jpeg(gradient_photo(8, 8));
  CHECK(message_of([&] { dv::media::insert_xmp(jpeg, std::string(70000, 'x')); }).find("70000 bytes") != std::string::npos);
  const Bytes png = {0x89, 'P', 'N', 'G'};
  e.near = 1;
  CHECK(message_of([&] { dv::media::write_dynamic_depth_jpeg(png, e, "image/png", png); }).find("not a JPEG") !=
        std::string::npos);
  // A map claiming a size its values do not have (a fuzzed header): refused, not walked.
  CHECK(message_of([&] { dv::depth::encode_dynamic_depth_jpeg(gradient_photo(8, 8), DepthMap{1 << 20, 1 << 20, {}}); }) !=
        "(no std::invalid_argument)");
}

TEST_CASE("dynamic depth writer: an XMP goes after the JFIF APP0 and a trailer of the primary is dropped") {
  Bytes jpeg = dv::depth::encode_jpeg(gradient_photo(8, 8));
  const size_t size = jpeg.size();
  jpeg.insert(jpeg.end(), {1, 2, 3});  // bytes after the EOI
  dv::media::DepthEncoding e;
  e.near = 1, e.far = 2;
  const Bytes item = {9, 9, 9, 9};
  const Bytes file = dv::media::write_dynamic_depth_jpeg(jpeg, e, "image/png", item);
  const std::string xmp = dv::media::dynamic_depth_xmp(e, "image/png", item.size());
  CHECK(file.size() == size + 4 + 29 + xmp.size() + item.size());
  CHECK(Bytes(file.end() - 4, file.end()) == item);
  if (jpeg[2] == 0xFF && jpeg[3] == 0xE0) {  // stb writes a JFIF APP0: ours follows it
    const size_t app0 = 2 + 2 + (size_t(jpeg[4]) << 8 | jpeg[5]);
    CHECK(file[app0] == 0xFF);
    CHECK(file[app0 + 1] == 0xE1);
  }
}
