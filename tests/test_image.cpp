// Photo decoding: formats and channel layouts become RGB; bad and huge files give one clear error,
// and huge ones are refused from their header before decoding.
#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

#include <stb/stb_image_write.h>
#include <zlib.h>  // implementation in src/depth/export.cpp

#include "depth/image.h"

namespace {

std::vector<uint8_t> png(int w, int h, int channels) {
  std::vector<uint8_t> pixels(size_t(w * h * channels));
  for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = uint8_t(i * 7);
  std::vector<uint8_t> out;
  stbi_write_png_to_func(
      [](void* ctx, void* data, int size) {
        auto* v = static_cast<std::vector<uint8_t>*>(ctx);
        v->insert(v->end(), static_cast<uint8_t*>(data), static_cast<uint8_t*>(data) + size);
      },
      &out, w, h, channels, pixels.data(), w * channels);
  return out;
}

std::string error_of(const std::vector<uint8_t>& bytes) {
  try {
    dv::depth::decode_image(bytes, "photo.png");
  } catch (const dv::depth::ImageError& e) {
    return e.what();
  }
  return "<no error>";
}

// Rewrites the IHDR width and height of a PNG (big-endian, bytes 16..23); the CRC is not fixed,
// as a forged file would not fix it either.
// A PNG whose header claims another size (with a valid CRC, so only the size is wrong).
std::vector<uint8_t> with_header_size(std::vector<uint8_t> bytes, uint32_t w, uint32_t h) {
  for (int k = 0; k < 4; ++k) {
    bytes[size_t(16 + k)] = uint8_t(w >> (24 - 8 * k));
    bytes[size_t(20 + k)] = uint8_t(h >> (24 - 8 * k));
  }
  const uint32_t crc = uint32_t(crc32(0, &bytes[12], 4 + 13));  // chunk type + IHDR data
  for (int k = 0; k < 4; ++k) bytes[size_t(29 + k)] = uint8_t(crc >> (24 - 8 * k));
  return bytes;
}

}  // namespace

TEST_CASE("image: grey, grey+alpha, RGB and RGBA PNGs decode to RGB") {
  for (int channels : {1, 2, 3, 4}) {
    CAPTURE(channels);
    const auto img = dv::depth::decode_image(png(5, 3, channels));
    CHECK(img.width == 5);
    CHECK(img.height == 3);
    CHECK(img.rgb.size() == 5 * 3 * 3);
  }
}

TEST_CASE("image: bad files give one clear error") {
  CHECK(error_of({}).find("empty") != std::string::npos);
  const std::string text = "this is a text file named .jpg";
  CHECK(error_of({text.begin(), text.end()}).find("photo.png: not a supported image") != std::string::npos);
  auto truncated = png(64, 64, 3);
  truncated.resize(truncated.size() / 2);
  CHECK(error_of(truncated).find("cannot decode") != std::string::npos);
  CHECK(error_of(with_header_size(png(4, 4, 3), 0, 0))
            .find("photo.png: cannot decode the PNG (Invalid IHDR data: Image width is zero") != std::string::npos);
  try {
    dv::depth::load_image("/nonexistent/photo.jpg");
    FAIL("no error");
  } catch (const dv::depth::ImageError& e) {
    CHECK(std::string(e.what()).find("cannot open") != std::string::npos);
  }
}

TEST_CASE("image: huge headers are refused before decoding") {
  // 60000x60000 is past what stb can address; libpng reads the size from the header.
  const std::string huge = error_of(with_header_size(png(4, 4, 3), 60000, 60000));
  CHECK(huge.find("photo.png: the image is 60000x60000 (3600 MP), more than the limit of 100 MP") != std::string::npos);
  // 12000x12000 (144 MP) is readable, but over depthview's limit.
  const std::string over = error_of(with_header_size(png(4, 4, 3), 12000, 12000));
  CHECK(over.find("12000x12000 (144 MP), more than the limit of 100 MP") != std::string::npos);
  // A custom limit applies too.
  CHECK_THROWS_AS(dv::depth::decode_image(png(20, 20, 3), "small", 100), dv::depth::ImageError);
}

TEST_CASE("image: a PNG with a bad CRC is refused by libpng, naming the chunk") {
  auto bytes = png(8, 8, 3);
  bytes[8 + 8 + 13] ^= 0xFF;  // the IHDR chunk's CRC (signature, length+type, 13 data bytes)
  const std::string e = error_of(bytes);
  CHECK(e.find("photo.png: cannot decode the PNG") != std::string::npos);
  CHECK(e.find("CRC") != std::string::npos);
}

TEST_CASE("image: 16-bit PGM and PNG photos decode to the right 8-bit values") {
  // PNM samples are big-endian: 0x8000 is mid-grey, 0x00FF nearly black.
  const std::string header = "P5 2 1 65535\n";
  std::vector<uint8_t> pgm(header.begin(), header.end());
  for (uint8_t b : {0x80, 0x00, 0x00, 0xFF}) pgm.push_back(b);
  const auto img = dv::depth::decode_image(pgm, "grey16.pgm");
  REQUIRE(img.width == 2);
  CHECK(int(img.rgb[0]) == 128);
  CHECK(int(img.rgb[2]) == 128);
  CHECK(int(img.rgb[3]) == 0);
  const auto grey = dv::depth::decode_grey16(pgm, "grey16.pgm");
  CHECK(grey.values[0] == 0x8000);
  CHECK(grey.values[1] == 0x00FF);
}
