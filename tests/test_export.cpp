// Exporters written and read back: PNG with stb, PFM by its header and data, EXR with tinyexr.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <stb/stb_image.h>  // implementation in src/depth/image.cpp

#include "depth/export.h"

#include <tinyexr.h>

namespace {
const dv::depth::DepthMap kMap{3, 2, {0.0f, 0.25f, 0.5f, 0.75f, 1.0f, 0.125f}};
std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("dv-export-" + name)).string();
}
}  // namespace

TEST_CASE("export: 8-bit PNG reads back with stb") {
  const std::string path = temp_path("a.png");
  dv::depth::write_png8(path, kMap);
  int w = 0, h = 0, c = 0;
  unsigned char* px = stbi_load(path.c_str(), &w, &h, &c, 0);
  REQUIRE(px != nullptr);
  CHECK(w == 3);
  CHECK(h == 2);
  CHECK(c == 1);
  CHECK(px[0] == 0);
  CHECK(px[1] == 64);
  CHECK(px[4] == 255);
  stbi_image_free(px);
  std::remove(path.c_str());
  CHECK_THROWS_WITH(dv::depth::write_png8("/nonexistent/dir/a.png", kMap), doctest::Contains("cannot write"));
}

TEST_CASE("export: PFM has its header and the floats bottom row first") {
  const std::string path = temp_path("a.pfm");
  dv::depth::write_pfm(path, kMap);
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), {});
  const std::string header = "Pf\n3 2\n-1.0\n";
  REQUIRE(bytes.size() == header.size() + 6 * sizeof(float));
  CHECK(bytes.substr(0, header.size()) == header);
  float first = 0;
  std::memcpy(&first, bytes.data() + header.size(), sizeof first);
  CHECK(first == 0.75f);  // row 1 (bottom) comes first
  std::remove(path.c_str());
}

TEST_CASE("export: EXR reads back with tinyexr") {
  const std::string path = temp_path("a.exr");
  dv::depth::write_exr(path, kMap);
  float* rgba = nullptr;
  int w = 0, h = 0;
  const char* err = nullptr;
  REQUIRE(LoadEXR(&rgba, &w, &h, path.c_str(), &err) == TINYEXR_SUCCESS);
  CHECK(w == 3);
  CHECK(h == 2);
  CHECK(rgba[4 * 3] == 0.75f);  // pixel (0, 1), first channel
  free(rgba);
  std::remove(path.c_str());
}

TEST_CASE("export: 16-bit PNG reads back with stb at 16 bits") {
  const std::string path = temp_path("a16.png");
  dv::depth::write_png16(path, kMap);
  CHECK(stbi_is_16_bit(path.c_str()) == 1);
  int w = 0, h = 0, c = 0;
  unsigned short* px = stbi_load_16(path.c_str(), &w, &h, &c, 0);
  REQUIRE(px != nullptr);
  CHECK(w == 3);
  CHECK(h == 2);
  CHECK(c == 1);
  CHECK(px[0] == 0);
  CHECK(px[1] == 16384);  // 0.25 * 65535, rounded
  CHECK(px[3] == 49151);
  CHECK(px[4] == 65535);
  CHECK(px[5] == 8192);
  stbi_image_free(px);
  std::remove(path.c_str());
  CHECK_THROWS_WITH(dv::depth::write_png16("/nonexistent/dir/a.png", kMap), doctest::Contains("cannot write"));
}
