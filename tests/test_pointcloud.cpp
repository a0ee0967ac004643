// Point clouds: distances follow the inverse depth between the near and far planes, rays follow
// the field of view, colours come from the photo; the PLY header and size match.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <string>

#include "depth/pointcloud.h"

namespace {
dv::depth::Image photo(int w, int h) {
  dv::depth::Image img{w, h, std::vector<uint8_t>(size_t(w * h * 3))};
  for (size_t i = 0; i < img.rgb.size(); ++i) img.rgb[i] = uint8_t(i % 251);
  return img;
}
}  // namespace

TEST_CASE("points: distance from inverse depth, rays from the field of view, colours from the photo") {
  const int w = 9, h = 5;
  dv::depth::DepthMap depth{w, h, std::vector<float>(size_t(w * h), 1.0f)};
  depth.values[0] = 0.0f;  // top-left pixel: the farthest
  const dv::depth::Image img = photo(w, h);
  const auto cloud = dv::depth::build_point_cloud(depth, img, {64, 90.0f, 10.0f});
  REQUIRE(cloud.positions.size() == size_t(w * h));
  REQUIRE(cloud.colors.size() == size_t(w * h));
  const auto& centre = cloud.positions[size_t(2 * w + 4)];
  CHECK(centre[0] == doctest::Approx(0.0f));
  CHECK(centre[1] == doctest::Approx(0.0f));
  CHECK(centre[2] == doctest::Approx(-1.0f));  // nearest: distance 1
  CHECK(cloud.positions[0][2] == doctest::Approx(-10.0f));  // farthest: far_ratio
  // Right edge at 90° FOV: x / distance = tan(45°) * (w - 1) / w.
  const auto& right = cloud.positions[size_t(2 * w + 8)];
  CHECK(right[0] / -right[2] == doctest::Approx(double(w - 1) / w));
  CHECK(cloud.positions[size_t(w + 4)][1] > 0.0f);  // rows above the centre are up
  CHECK(cloud.colors[7][0] == img.rgb[21]);
  CHECK_THROWS_WITH(dv::depth::build_point_cloud(depth, img, {64, 200.0f, 10.0f}), doctest::Contains("field of view"));
  CHECK_THROWS_WITH(dv::depth::build_point_cloud(depth, photo(3, 3)), doctest::Contains("differ in size"));
}

TEST_CASE("points: PLY has a vertex per sample with float xyz and uchar colours") {
  const dv::depth::DepthMap depth{4, 3, std::vector<float>(12, 0.5f)};
  const auto cloud = dv::depth::build_point_cloud(depth, photo(4, 3));
  const std::string path = (std::filesystem::temp_directory_path() / "dv-points.ply").string();
  dv::depth::write_point_ply(path, cloud);
  std::ifstream in(path, std::ios::binary);
  std::string header, line;
  while (std::getline(in, line) && line != "end_header") header += line + "\n";
  CHECK(header.find("element vertex 12\n") != std::string::npos);
  CHECK(header.find("property uchar red\n") != std::string::npos);
  const auto body_start = in.tellg();
  in.seekg(0, std::ios::end);
  CHECK(size_t(in.tellg() - body_start) == 12 * (3 * sizeof(float) + 3));
  std::filesystem::remove(path);
  CHECK_THROWS_WITH(dv::depth::write_point_ply("/nonexistent/dir/p.ply", cloud), doctest::Contains("cannot write"));
}
