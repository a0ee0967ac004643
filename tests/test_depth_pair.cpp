// The photo + NAME_depth.png pair of 3D photo sites: named as they pair them, the depth 8-bit
// grey at the photo's size, white = near.
#include <doctest/doctest.h>

#include <filesystem>

#include <stb/stb_image.h>  // implementation in src/depth/image.cpp

#include "depth/export_depth_pair.h"
#include "support/temp_dir.h"

namespace {

// A 2 x 1 map: near on the left, far on the right.
const dv::depth::DepthMap kNearFar{2, 1, {1.0f, 0.0f}};

dv::depth::Image grey_photo(int w, int h) { return {w, h, std::vector<uint8_t>(size_t(w) * size_t(h) * 3, 120)}; }

}  // namespace

TEST_CASE("depth pair: NAME.jpg and NAME_depth.png, 8-bit grey of the photo's size, white = near") {
  dv::test::TempDir tmp;
  const auto paths = dv::depth::write_depth_pair(tmp / "beach", grey_photo(40, 20), kNearFar);
  REQUIRE(paths == std::vector<std::string>{tmp / "beach.jpg", tmp / "beach_depth.png"});
  int w = 0, h = 0, channels = 0;
  CHECK(stbi_info(paths[0].c_str(), &w, &h, &channels) == 1);
  CHECK(w == 40);
  CHECK(h == 20);
  CHECK(channels == 3);
  unsigned char* depth = stbi_load(paths[1].c_str(), &w, &h, &channels, 0);
  REQUIRE(depth != nullptr);
  CHECK(w == 40);  // resized to the photo
  CHECK(h == 20);
  CHECK(channels == 1);
  CHECK(stbi_is_16_bit(paths[1].c_str()) == 0);
  CHECK(depth[0] == 255);       // the left edge: near, white
  CHECK(depth[w - 1] == 0);     // the right edge: far, black
  stbi_image_free(depth);
}

TEST_CASE("depth pair: an invalid map is refused before any file is written") {
  dv::test::TempDir tmp;
  CHECK_THROWS_AS(dv::depth::write_depth_pair(tmp / "x", grey_photo(4, 4), dv::depth::DepthMap{4, 4, {}}),
                  std::invalid_argument);
  CHECK(std::filesystem::is_empty(tmp.path));
}
