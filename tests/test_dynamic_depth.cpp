// dv::media embedded camera depth (media/container): the shared phone photos read exactly as
// exiftool reads them (Dynamic Depth items byte for byte, GDepth's decoded PNG and image, Near /
// Far / Format); the GCam XMP parses as RangeLinear; conversions give hand-checked depths;
// synthetic JPEGs cover prefixes, padding, Extended XMP reassembly and every kind of damage, each
// with its one message; fuzz findings replay.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

extern "C" {
#include <b64/cencode.h>
}

#include "support/exiftool.h"
#include "support/temp_dir.h"
#include "fuzz/fuzz_container_body.h"
#include "media/container/base64.h"
#include "media/container/container_error.h"
#include "media/container/dynamic_depth.h"
#include "media/container/jpeg_segments.h"
#include "media/container/xmp.h"

namespace fs = std::filesystem;
using dv::media::ContainerError;
using dv::media::DepthEncoding;
using dv::media::DepthFormat;
using dv::media::DepthSource;
using dv::media::EmbeddedDepth;
using Bytes = std::vector<uint8_t>;

namespace {

const fs::path kPhones = fs::path(DV_SHARED_DIR) / "phone";

Bytes read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string read_text(const fs::path& path) {
  const Bytes bytes = read_bytes(path);
  return std::string(bytes.begin(), bytes.end());
}

void write_bytes(const fs::path& path, std::span<const uint8_t> bytes) {
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

Bytes bytes_of(std::string_view text) { return Bytes(text.begin(), text.end()); }

using dv::test::TempDir;

using dv::test::exiftool;
using dv::test::exiftool_number;
using dv::test::exiftool_values;

// True (with the reason said) when exiftool is not installed: the comparisons with it are skipped.
bool skip_exiftool() {
  if (dv::test::have_exiftool()) return false;
  MESSAGE("SKIPPED the comparison with exiftool: it is not installed (Debian libimage-exiftool-perl)");
  return true;
}

// ---- synthetic JPEGs

constexpr std::string_view kStandardPrefix{"http://ns.adobe.com/xap/1.0/\0", 29};
constexpr std::string_view kExtendedPrefix{"http://ns.adobe.com/xmp/extension/\0", 35};

Bytes segment(uint8_t marker, std::string_view payload) {
  const size_t length = payload.size() + 2;
  Bytes out(payload.size() + 4);
  out[0] = 0xFF;
  out[1] = marker;
  out[2] = uint8_t(length >> 8);
  out[3] = uint8_t(length);
  std::copy(payload.begin(), payload.end(), out.begin() + 4);
  return out;
}

std::string be32(uint32_t v) { return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)}; }

Bytes standard_xmp(std::string_view xml) { return segment(0xE1, std::string(kStandardPrefix) + std::string(xml)); }

// The extended packet in APP1 chunks of `piece` bytes, in the order `order` gives (indices).
std::vector<Bytes> extended_xmp(std::string_view guid, std::string_view packet, size_t piece, std::vector<size_t> order = {}) {
  std::vector<Bytes> chunks;
  for (size_t offset = 0; offset < packet.size(); offset += piece)
    chunks.push_back(segment(0xE1, std::string(kExtendedPrefix) + std::string(guid) + be32(uint32_t(packet.size())) +
                                       be32(uint32_t(offset)) + std::string(packet.substr(offset, piece))));
  if (order.empty()) return chunks;
  std::vector<Bytes> reordered;
  for (size_t i : order) reordered.push_back(chunks[i]);
  return reordered;
}

// SOI, the segments, a scan whose data has a stuffed FF 00, a restart marker and fill bytes (none
// of them ends the image), EOI, then the tail (the appended items).
Bytes jpeg(const std::vector<Bytes>& segments, std::string_view tail = {}) {
  Bytes out = {0xFF, 0xD8};
  for (const Bytes& s : segments) out.insert(out.end(), s.begin(), s.end());
  const Bytes scan = {0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00,  // SOS header
                      0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD3, 0x56, 0xFF, 0xFF, 0xD4, 0x78,
                      0xFF, 0xD9};
  out.insert(out.end(), scan.begin(), scan.end());
  out.insert(out.end(), tail.begin(), tail.end());
  return out;
}

constexpr size_t kSyntheticImageEnd = 2 + 23;  // SOI + the scan above, with no segments

std::string base64(std::string_view data) {
  std::string out(data.size() * 2 + 8, '\0');
  base64_encodestate state;
  base64_init_encodestate(&state);
  int n = base64_encode_block(data.data(), int(data.size()), out.data(), &state);
  n += base64_encode_blockend(out.data() + n, &state);
  out.resize(size_t(n));
  return out;
}

// Dynamic Depth XMP in the Pixel's layout, with prefixes of its own (c:, i:, dm:): lookups go by
// namespace URI. items: semantic and length of each appended item (the primary comes first).
std::string dynamic_depth_xmp(const std::vector<std::pair<std::string, std::string>>& items, std::string padding = "0") {
  std::string xml =
      R"(<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">)"
      R"(<rdf:Description rdf:about="" xmlns:c="http://ns.google.com/photos/1.0/container/")"
      R"( xmlns:i="http://ns.google.com/photos/1.0/container/item/" xmlns:dev="http://ns.google.com/photos/dd/1.0/device/")"
      R"( xmlns:cam="http://ns.google.com/photos/dd/1.0/camera/" xmlns:dm="http://ns.google.com/photos/dd/1.0/depthmap/">)"
      R"(<c:Directory><rdf:Seq>)";
  xml += R"(<rdf:li rdf:parseType="Resource"><c:Item i:Mime="image/jpeg" i:Semantic="Primary" i:Padding=")" + padding + R"("/></rdf:li>)";
  for (const auto& [semantic, length] : items)
    xml += R"(<rdf:li rdf:parseType="Resource"><c:Item rdf:parseType="Resource"><i:Mime>image/png</i:Mime>)"
           "<i:Semantic>" + semantic + "</i:Semantic><i:Length>" + length + "</i:Length></c:Item></rdf:li>";
  xml += R"(</rdf:Seq></c:Directory><dev:Cameras><rdf:Seq><rdf:li rdf:parseType="Resource"><rdf:value rdf:parseType="Resource">)"
         R"(<cam:DepthMap rdf:parseType="Resource"><dm:ItemSemantic>Depth</dm:ItemSemantic><dm:Format>RangeLinear</dm:Format>)"
         R"(<dm:Near>0.5</dm:Near><dm:Far>4</dm:Far><dm:Units>Meters</dm:Units></cam:DepthMap>)"
         R"(</rdf:value></rdf:li></rdf:Seq></dev:Cameras></rdf:Description></rdf:RDF></x:xmpmeta>)";
  return xml;
}

// GDepth XMP: the standard packet names the extended one, which holds the data.
std::string gdepth_standard_xmp(std::string_view guid) {
  return R"(<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">)"
         R"(<rdf:Description rdf:about="" xmlns:g="http://ns.google.com/photos/1.0/depthmap/" xmlns:n="http://ns.adobe.com/xmp/note/")"
         R"( g:Format="RangeInverse" g:Near="2.5" g:Far="40" g:Mime="image/png" n:HasExtendedXMP=")" +
         std::string(guid) + R"("/></rdf:RDF></x:xmpmeta>)";
}

std::string gdepth_extended_xmp(std::string_view data_base64) {
  return R"(<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">)"
         R"(<rdf:Description rdf:about="" xmlns:GDepth="http://ns.google.com/photos/1.0/depthmap/" GDepth:Data=")" +
         std::string(data_base64) + R"("/></rdf:RDF></x:xmpmeta>)";
}

constexpr std::string_view kGuid = "0123456789ABCDEF0123456789ABCDEF";

std::string error_of(const Bytes& file) {
  try {
    dv::media::read_embedded_depth(file);
  } catch (const ContainerError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("dynamic depth: the Pixel 8 photo's items are exactly the bytes exiftool finds") {
  const fs::path path = kPhones / "pixel8_dynamic_depth_flowers.jpg";
  if (!fs::exists(path)) {
    MESSAGE("SKIPPED: ../shared/phone/pixel8_dynamic_depth_flowers.jpg is absent");
    return;
  }
  const Bytes file = read_bytes(path);
  const auto depth = dv::media::read_embedded_depth(file);
  REQUIRE(depth);
  CHECK(depth->source == DepthSource::DynamicDepth);
  REQUIRE(depth->items.size() == 5);
  const std::vector<std::string> semantics = {"Primary", "GainMap", "Original", "Depth", "Confidence"};
  const std::vector<uint64_t> lengths = {0, 22463, 857951, 242626, 65693};
  for (size_t i = 0; i < 5; ++i) {
    CAPTURE(i);
    CHECK(depth->items[i].entry.semantic == semantics[i]);
    CHECK(depth->items[i].entry.mime == "image/jpeg");
    CHECK(depth->items[i].entry.length == lengths[i]);
    // Every item is a whole JPEG: SOI ... EOI.
    const auto bytes = depth->items[i].bytes;
    CHECK(bytes[0] == 0xFF);
    CHECK(bytes[1] == 0xD8);
    CHECK(bytes[bytes.size() - 2] == 0xFF);
    CHECK(bytes[bytes.size() - 1] == 0xD9);
  }
  // The items tile the file after the primary image, which ends where MPF does not say (stale).
  CHECK(depth->items[1].offset == depth->items[0].bytes.size());
  for (size_t i = 2; i < 5; ++i) CHECK(depth->items[i].offset == depth->items[i - 1].offset + lengths[i - 1]);
  CHECK(depth->items[4].offset + lengths[4] == file.size());
  CHECK(depth->depth_mime == "image/jpeg");
  CHECK(Bytes(depth->items[3].bytes.begin(), depth->items[3].bytes.end()) == depth->depth_image);
  CHECK(Bytes(depth->items[4].bytes.begin(), depth->items[4].bytes.end()) == depth->confidence_image);
  CHECK(Bytes(depth->items[2].bytes.begin(), depth->items[2].bytes.end()) == depth->image);
  CHECK(depth->encoding.format == DepthFormat::RangeInverse);
  CHECK(depth->encoding.near == 0.208841);
  CHECK(depth->encoding.far == 5.702907);
  CHECK(depth->encoding.units == "Diopters");
  CHECK(depth->encoding.measure_type == "OpticalAxis");

  if (skip_exiftool()) return;
  TempDir tmp;
  // The directory as exiftool reads it.
  CHECK(exiftool_values("-XMP-Container:DirectoryItemSemantic", path, tmp) == semantics);
  CHECK(exiftool_values("-XMP-Container:DirectoryItemMime", path, tmp) == std::vector<std::string>(5, "image/jpeg"));
  const auto exif_lengths = exiftool_values("-XMP-Container:DirectoryItemLength", path, tmp);
  REQUIRE(exif_lengths.size() == 5);
  for (size_t i = 0; i < 5; ++i) CHECK(std::stoull(exif_lengths[i]) == *depth->items[i].entry.length);
  // exiftool's JPEG trailer (everything after the primary's EOI) is the appended items, in order.
  Bytes items;
  for (size_t i = 1; i < 5; ++i) items.insert(items.end(), depth->items[i].bytes.begin(), depth->items[i].bytes.end());
  CHECK(exiftool("-b -Trailer", path, tmp) == items);
  // exiftool extracts one item by itself: the gain map (MPF's second image).
  const Bytes gain_map = exiftool("-b -MPImage2", path, tmp);
  CHECK(Bytes(depth->items[1].bytes.begin(), depth->items[1].bytes.end()) == gain_map);
  // Each item on its own is a JPEG of the size the README gives (depth, confidence, original: 2024x2688).
  const std::vector<std::string> sizes = {"3072 4080", "506 672", "2024 2688", "2024 2688", "2024 2688"};
  for (size_t i = 0; i < 5; ++i) {
    CAPTURE(semantics[i]);
    const fs::path item = tmp.path / (semantics[i] + ".jpg");
    write_bytes(item, depth->items[i].bytes);
    const auto info = exiftool_values("-FileType -ImageWidth -ImageHeight", item, tmp);
    REQUIRE(info.size() == 3);
    CHECK(info[0] == "JPEG");
    CHECK(info[1] + " " + info[2] == sizes[i]);
  }
  // The depth encoding as exiftool prints it.
  CHECK(exiftool_values("-XMP-Device:DepthMapFormat", path, tmp) == std::vector<std::string>{"RangeInverse"});
  CHECK(exiftool_number("-XMP-Device:DepthMapNear", path, tmp) == depth->encoding.near);
  CHECK(exiftool_number("-XMP-Device:DepthMapFar", path, tmp) == depth->encoding.far);
}

TEST_CASE("gdepth: the Lens Blur photo's depth PNG and image are what exiftool decodes") {
  const fs::path path = kPhones / "lensblur_gdepth.jpg";
  if (!fs::exists(path)) {
    MESSAGE("SKIPPED: ../shared/phone/lensblur_gdepth.jpg is absent");
    return;
  }
  const Bytes file = read_bytes(path);
  const auto depth = dv::media::read_embedded_depth(file);
  REQUIRE(depth);
  CHECK(depth->source == DepthSource::GDepth);
  CHECK(depth->items.empty());
  CHECK(depth->encoding.format == DepthFormat::RangeInverse);
  CHECK(depth->encoding.near == 18.849538803100586);
  CHECK(depth->encoding.far == 633.323486328125);
  CHECK(depth->depth_mime == "image/png");
  CHECK(depth->image_mime == "image/jpeg");
  REQUIRE(depth->depth_image.size() == 413861);
  CHECK(Bytes(depth->depth_image.begin(), depth->depth_image.begin() + 8) == Bytes{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
  CHECK(depth->image.size() == 605632);
  CHECK(depth->confidence_image.empty());

  if (skip_exiftool()) return;
  TempDir tmp;
  CHECK(exiftool("-b -XMP-GDepth:DepthImage", path, tmp) == depth->depth_image);  // GDepth:Data, decoded
  CHECK(exiftool("-b -XMP-GImage:ImageData", path, tmp) == depth->image);         // GImage:Data, decoded
  CHECK(exiftool_values("-XMP-GDepth:Format", path, tmp) == std::vector<std::string>{"RangeInverse"});
  CHECK(exiftool_number("-XMP-GDepth:Near", path, tmp) == depth->encoding.near);
  CHECK(exiftool_number("-XMP-GDepth:Far", path, tmp) == depth->encoding.far);
  // Nothing follows the primary image: exiftool finds no trailer.
  CHECK(exiftool("-b -Trailer", path, tmp).empty());
  CHECK(dv::media::read_jpeg_segments(file).primary_end == file.size());
}

TEST_CASE("dynamic depth: the GCam portrait XMP is RangeLinear with items linked by URI") {
  const fs::path path = kPhones / "gcam_portrait_dynamic_depth.xmp.xml";
  if (!fs::exists(path)) {
    MESSAGE("SKIPPED: ../shared/phone/gcam_portrait_dynamic_depth.xmp.xml is absent");
    return;
  }
  // Two packets in one file (standard and extended XMP), with the Dynamic Depth 1.0 namespaces.
  const auto xmp = dv::media::XmpDocument::parse(read_text(path), "the GCam XMP");
  const auto description = dv::media::describe_dynamic_depth(xmp);
  REQUIRE(description);
  CHECK(description->encoding.format == DepthFormat::RangeLinear);
  CHECK(description->encoding.near == 0.3);
  CHECK(description->encoding.far == 8.0);
  CHECK(description->encoding.units == "None");
  REQUIRE(description->directory.size() == 4);
  CHECK(description->directory[0].data_uri == "primary_image");
  CHECK(description->directory[1].length == 2420326u);
  CHECK(description->directory[2].length == 135047u);
  CHECK(description->directory[3].length == 96395u);
  // DepthMap:ItemSemantic is "Segmentation" (what the map is of): DepthURI links the item.
  CHECK(description->depth_item == 2);
  CHECK(description->confidence_item == 3u);
  CHECK(description->image_item == 1u);
  CHECK(xmp.property({"http://ns.adobe.com/xmp/note/"}, "HasExtendedXMP") == "979057752e0037ac7836c599dc5e004a");
  CHECK_FALSE(dv::media::read_gdepth(xmp));
}

TEST_CASE("depth conversions: hand-checked values") {
  // The Pixel 8's RangeInverse: v = 128 -> dn = 128/255 = 0.501961;
  // far·near / (far − dn·(far − near)) = 1.1910008 / (5.702907 − 0.501961·5.494066) = 1.1910008 / 2.9451013 = 0.4044006.
  const DepthEncoding inverse{DepthFormat::RangeInverse, 0.208841, 5.702907, "Diopters", "OpticalAxis"};
  const auto pixel = dv::media::depth_from_normalized(dv::media::normalized_samples(std::vector<uint8_t>{0, 128, 255}), inverse);
  REQUIRE(pixel.size() == 3);
  CHECK(pixel[0] == doctest::Approx(0.208841));
  CHECK(pixel[1] == doctest::Approx(0.4044006).epsilon(1e-6));
  CHECK(pixel[2] == doctest::Approx(5.702907));
  // Lens Blur's: dn = 0.5 -> 2·near·far / (far + near) = 2·18.849539·633.323486 / 652.173025 = 36.609474.
  const DepthEncoding lens_blur{DepthFormat::RangeInverse, 18.849538803100586, 633.323486328125, "", "OpticalAxis"};
  CHECK(dv::media::depth_from_normalized(0.5, lens_blur) == doctest::Approx(36.609474));
  // GCam's RangeLinear 0.3 .. 8: dn = 0.2 -> 0.3 + 0.2·7.7 = 1.84; dn = 0.5 -> 4.15.
  const DepthEncoding linear{DepthFormat::RangeLinear, 0.3, 8.0, "None", "OpticalAxis"};
  const auto gcam = dv::media::depth_from_normalized(dv::media::normalized_samples(std::vector<uint16_t>{0, 13107, 65535}), linear);
  REQUIRE(gcam.size() == 3);
  CHECK(gcam[0] == doctest::Approx(0.3));
  CHECK(gcam[1] == doctest::Approx(1.84));
  CHECK(gcam[2] == doctest::Approx(8.0));
  CHECK(dv::media::depth_from_normalized(0.5, linear) == doctest::Approx(4.15));
  CHECK(dv::media::normalized_samples(std::vector<uint8_t>{51})[0] == doctest::Approx(0.2));
}

TEST_CASE("dynamic depth: synthetic items are found by length and padding, whatever the prefixes") {
  // Primary padding 3 bytes, then "Depth" (5 bytes), then "Confidence" (4 bytes), then 2 stray bytes.
  const std::string xmp = dynamic_depth_xmp({{"Depth", "5"}, {"Confidence", "4"}}, "3");
  const Bytes file = jpeg({segment(0xE0, "JFIF"), standard_xmp(xmp)}, "padDEPTHCONFzz");
  const auto depth = dv::media::read_embedded_depth(file);
  REQUIRE(depth);
  REQUIRE(depth->items.size() == 3);
  const size_t primary_end = file.size() - 14;
  CHECK(depth->items[0].bytes.size() == primary_end);
  CHECK(depth->items[1].offset == primary_end + 3);
  CHECK(depth->depth_image == bytes_of("DEPTH"));
  CHECK(depth->depth_mime == "image/png");
  CHECK(depth->confidence_image == bytes_of("CONF"));
  CHECK(depth->image.empty());
  CHECK(depth->encoding.format == DepthFormat::RangeLinear);
  CHECK(depth->encoding.near == 0.5);
  CHECK(depth->encoding.far == 4.0);
  CHECK(depth->encoding.units == "Meters");
}

TEST_CASE("dynamic depth: an item longer than what follows the photo is one clear error") {
  const Bytes file = jpeg({standard_xmp(dynamic_depth_xmp({{"Depth", "100000"}}))}, "0123456789");
  CHECK_THROWS_WITH_AS(dv::media::read_embedded_depth(file),
                       "the XMP says item 'Depth' is 100000 bytes but only 10 bytes follow the photo", ContainerError);
  const Bytes second = jpeg({standard_xmp(dynamic_depth_xmp({{"Depth", "4"}, {"Confidence", "9"}}))}, "0123456789");
  CHECK(error_of(second) == "the XMP says item 'Confidence' is 9 bytes but only 6 bytes follow item 'Depth'");
  const Bytes bad_length = jpeg({standard_xmp(dynamic_depth_xmp({{"Depth", "ten"}}))}, "0123456789");
  CHECK(error_of(bad_length) == "the Item:Length of item 'Depth' is not a byte count: 'ten'");
}

TEST_CASE("gdepth: the depth map in the Extended XMP, chunks joined by GUID and offset") {
  const std::string png = "\x89PNG\r\n\x1a\n a depth map, long enough to need a few chunks of the extended packet";
  const std::string packet = gdepth_extended_xmp(base64(png));
  // Chunks out of order, and a chunk of another packet (other GUID) in between: both are fine.
  auto chunks = extended_xmp(kGuid, packet, 100, {2, 0, 3, 1});
  REQUIRE(packet.size() > 300);
  REQUIRE(packet.size() <= 400);
  chunks.insert(chunks.begin() + 1, extended_xmp("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF", "<junk/>", 100)[0]);
  chunks.insert(chunks.begin(), standard_xmp(gdepth_standard_xmp(kGuid)));
  const auto depth = dv::media::read_embedded_depth(jpeg(chunks));
  REQUIRE(depth);
  CHECK(depth->source == DepthSource::GDepth);
  CHECK(depth->depth_image == bytes_of(png));
  CHECK(depth->depth_mime == "image/png");
  CHECK(depth->encoding.format == DepthFormat::RangeInverse);
  CHECK(depth->encoding.near == 2.5);
  CHECK(depth->encoding.far == 40.0);
}

TEST_CASE("gdepth: a missing extended chunk, and a missing extended packet, are each one error") {
  const std::string packet = gdepth_extended_xmp(base64("depth"));
  REQUIRE(packet.size() > 200);
  auto chunks = extended_xmp(kGuid, packet, 100);
  chunks.erase(chunks.begin() + 1);
  chunks.insert(chunks.begin(), standard_xmp(gdepth_standard_xmp(kGuid)));
  CHECK(error_of(jpeg(chunks)) == "the extended XMP " + std::string(kGuid) + " is incomplete: bytes 100 to 200 of its " +
                                      std::to_string(packet.size()) + " are missing (a chunk is lost)");
  CHECK(error_of(jpeg({standard_xmp(gdepth_standard_xmp(kGuid))})) ==
        "the XMP names extended XMP " + std::string(kGuid) + " but the photo has none of its chunks");
  // Only the end is lost.
  auto head = extended_xmp(kGuid, packet, 100);
  head.pop_back();
  head.insert(head.begin(), standard_xmp(gdepth_standard_xmp(kGuid)));
  const size_t kept = (packet.size() - 1) / 100 * 100;
  CHECK(error_of(jpeg(head)) == "the extended XMP " + std::string(kGuid) + " is incomplete: bytes " + std::to_string(kept) +
                                    " to " + std::to_string(packet.size()) + " of its " + std::to_string(packet.size()) +
                                    " are missing (a chunk is lost)");
}

TEST_CASE("gdepth: base64 garbage is one clear error") {
  const std::string guid(kGuid);
  auto file = [&](const std::string& data) {
    auto chunks = extended_xmp(guid, gdepth_extended_xmp(data), 1000);
    chunks.insert(chunks.begin(), standard_xmp(gdepth_standard_xmp(guid)));
    return jpeg(chunks);
  };
  CHECK(error_of(file("iVBORw0K!!!GgoAAAANSUhEUg==")) == "GDepth:Data is not valid base64");
  CHECK(error_of(file("iVBORw0KGgo=AAAA")) == "GDepth:Data is not valid base64");  // data after the padding
  CHECK(error_of(file("iVBORw0KG")) == "GDepth:Data is not valid base64");         // a lone last character
  CHECK(error_of(file("")) == "GDepth:Data is empty");
}

TEST_CASE("base64: libb64 decodes what the check lets through") {
  using dv::media::decode_base64;
  CHECK(decode_base64("aGVsbG8=", "x") == bytes_of("hello"));
  CHECK(decode_base64("aGVsbG8", "x") == bytes_of("hello"));  // unpadded, as the Pixel writes some values
  CHECK(decode_base64(" aGVs\n bG8g d29y\r\nbGQ= ", "x") == bytes_of("hello world"));
  CHECK(decode_base64("", "x").empty());
  CHECK_THROWS_WITH_AS(decode_base64("aGVsbG8==", "x"), "x is not valid base64", ContainerError);
  CHECK_THROWS_WITH_AS(decode_base64("aGVs-G8=", "x"), "x is not valid base64", ContainerError);
  CHECK_THROWS_WITH_AS(decode_base64("aGVsbG8===", "x"), "x is not valid base64", ContainerError);
  CHECK_THROWS_WITH_AS(decode_base64("\xc3\xa9", "x"), "x is not valid base64", ContainerError);
  // Longer than one piece of the decoding loop: the state carries across pieces.
  const std::string big((size_t(1) << 20) + 7, 'x');
  CHECK(decode_base64(base64(big), "x") == bytes_of(big));
}

TEST_CASE("jpeg segments: truncation and damage are each one error; the primary ends at its EOI") {
  // An APP1 whose length runs past the end of the file.
  Bytes cut = {0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF};
  cut.resize(cut.size() + 18, 'x');
  CHECK_THROWS_WITH_AS(dv::media::read_embedded_depth(cut),
                       "the JPEG is truncated: its APP1 segment at byte 2 claims 65535 bytes but only 20 follow its marker",
                       ContainerError);
  CHECK(error_of({0xFF, 0xD8, 0xFF, 0xE1, 0x00}) == "the JPEG is truncated: its APP1 segment at byte 2 has no length");
  CHECK(error_of({0xFF, 0xD8, 0xFF, 0xDB, 0x00, 0x01}) ==
        "the JPEG is damaged: its FFDB segment at byte 2 claims 1 bytes, less than its own length field");
  // Image data that stops before EOI.
  Bytes no_eoi = jpeg({standard_xmp(dynamic_depth_xmp({{"Depth", "1"}}))});
  no_eoi.resize(no_eoi.size() - 2);
  CHECK(error_of(no_eoi) == "the JPEG ends before its EOI marker (the file is truncated)");
  // An extended XMP segment too short for its header.
  CHECK(error_of(jpeg({segment(0xE1, std::string(kExtendedPrefix) + "0123")})) ==
        "the JPEG's extended XMP segment at byte 2 is too short for its header (GUID, length and offset)");
  // FF 00, RSTn and fill bytes in the scan do not end the image; a second scan after DHT (progressive) does not either.
  const Bytes plain = jpeg({segment(0xDB, "tables")}, "tail");
  CHECK(dv::media::read_jpeg_segments(plain).primary_end == plain.size() - 4);
  Bytes progressive = jpeg({});
  progressive.resize(progressive.size() - 2);  // drop EOI: another DHT and scan follow
  const Bytes rest = {0xFF, 0xC4, 0x00, 0x03, 0x00, 0xFF, 0xDA, 0x00, 0x03, 0x00, 0x9A, 0xFF, 0xD9};
  progressive.insert(progressive.end(), rest.begin(), rest.end());
  CHECK(dv::media::read_jpeg_segments(progressive).primary_end == progressive.size());
  CHECK(dv::media::read_jpeg_segments(jpeg({})).primary_end == kSyntheticImageEnd);
}

TEST_CASE("embedded depth: photos without it give nullopt, not an error") {
  CHECK_FALSE(dv::media::read_embedded_depth(jpeg({segment(0xE0, "JFIF")}, "trailing")));
  CHECK_FALSE(dv::media::read_embedded_depth(bytes_of("\x89PNG\r\n\x1a\n not a jpeg")));
  CHECK_FALSE(dv::media::read_embedded_depth(Bytes{}));
  // XMP without depth, and an Ultra HDR-like directory (a gain map, no depth map).
  CHECK_FALSE(dv::media::read_embedded_depth(jpeg({standard_xmp("<x:xmpmeta xmlns:x='adobe:ns:meta/'/>")})));
  std::string gain_map_only = dynamic_depth_xmp({{"GainMap", "2"}});
  gain_map_only.replace(gain_map_only.find("<dev:Cameras>"), gain_map_only.find("</rdf:Description>") - gain_map_only.find("<dev:Cameras>"), "");
  CHECK_FALSE(dv::media::read_embedded_depth(jpeg({standard_xmp(gain_map_only)}, "GM")));
  // Not XML at all is damage, though.
  CHECK(error_of(jpeg({standard_xmp("<x:xmpmeta><unclosed></x:xmpmeta>")})).starts_with("the photo's XMP is not well-formed XML: "));
}

TEST_CASE("embedded depth: fuzz_container findings read or give a ContainerError") {
  const fs::path dir = fs::path(DV_TESTS_DIR) / "fuzz" / "regressions" / "container";
  if (!fs::exists(dir)) return;
  for (const auto& entry : fs::directory_iterator(dir)) {
    CAPTURE(entry.path().string());
    const Bytes bytes = read_bytes(entry.path());
    CHECK(dv::fuzz::fuzz_container_one(bytes.data(), bytes.size()) == 0);
  }
}
