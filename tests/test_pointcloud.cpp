// Point clouds: distances follow the inverse depth between the near and far planes, rays follow
// the field of view, colours come from the photo; the PLY header and size match. Metric clouds:
// a plane at 2 m lies at z = −2 m as wide as the camera sees it; samples without depth are left out.
#include <doctest/doctest.h>

#include <algorithm>
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
// A cloud written as PLY and read back: the header's lines up to end_header and the body's size.
struct WrittenPly {
  std::string header;
  size_t body_bytes = 0;
};
WrittenPly write_and_read(const dv::depth::PointCloud& cloud, const std::string& name) {
  const std::string path = (std::filesystem::temp_directory_path() / name).string();
  dv::depth::write_point_ply(path, cloud);
  WrittenPly ply;
  {
    std::ifstream in(path, std::ios::binary);
    for (std::string line; std::getline(in, line) && line != "end_header";) ply.header += line + "\n";
    const auto body_start = in.tellg();
    in.seekg(0, std::ios::end);
    ply.body_bytes = size_t(in.tellg() - body_start);
  }
  std::filesystem::remove(path);
  return ply;
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
  const WrittenPly ply = write_and_read(cloud, "dv-points.ply");
  CHECK(ply.header.find("element vertex 12\n") != std::string::npos);
  CHECK(ply.header.find("property uchar red\n") != std::string::npos);
  CHECK(ply.header.find("units metres") == std::string::npos);  // relative units
  CHECK(ply.body_bytes == 12 * (3 * sizeof(float) + 3));
  CHECK_THROWS_WITH(dv::depth::write_point_ply("/nonexistent/dir/p.ply", cloud), doctest::Contains("cannot write"));
}

TEST_CASE("points: a plane 2 m away comes back at z = -2 m with the field of view's width") {
  // 90° across 9 pixels: fx = 4.5, cx = 4, so the edge pixels' centres are ±4 / 4.5 · 2 m.
  const int w = 9, h = 5;
  const dv::depth::DepthMap metres{w, h, std::vector<float>(size_t(w * h), 2.0f)};
  const auto camera = dv::depth::intrinsics_from_fov(90.0, w, h, "test");
  const auto cloud = dv::depth::build_metric_point_cloud(metres, photo(w, h), camera);
  REQUIRE(cloud.positions.size() == size_t(w * h));
  CHECK(cloud.metres);
  float min_x = 1e9f, max_x = -1e9f, min_y = 1e9f, max_y = -1e9f;
  for (const auto& p : cloud.positions) {
    CHECK(p[2] == -2.0f);
    min_x = std::min(min_x, p[0]);
    max_x = std::max(max_x, p[0]);
    min_y = std::min(min_y, p[1]);
    max_y = std::max(max_y, p[1]);
  }
  CHECK(min_x == doctest::Approx(-4.0 / 4.5 * 2));
  CHECK(max_x == doctest::Approx(4.0 / 4.5 * 2));
  CHECK(max_y == doctest::Approx(2.0 / 4.5 * 2));  // two rows above the centre row
  CHECK(min_y == doctest::Approx(-2.0 / 4.5 * 2));
  // The camera stated for the photo at another size of the same aspect gives the same cloud.
  const auto big = dv::depth::build_metric_point_cloud(metres, photo(w, h), camera.scaled_to(18, 10));
  REQUIRE(big.positions.size() == cloud.positions.size());
  for (size_t i = 0; i < cloud.positions.size(); ++i) CHECK(big.positions[i][0] == doctest::Approx(cloud.positions[i][0]));
  // The relative cloud through the same camera: the same rays, the same ray code.
  const auto relative = dv::depth::build_point_cloud(dv::depth::DepthMap{w, h, std::vector<float>(size_t(w * h), 1.0f)},
                                                     photo(w, h), {64, 90.0f, 10.0f});
  for (size_t i = 0; i < cloud.positions.size(); ++i)
    CHECK(relative.positions[i][0] * 2 == doctest::Approx(cloud.positions[i][0]));
}

TEST_CASE("points: metric samples without a depth are left out; bad cameras are refused") {
  const int w = 4, h = 3;
  dv::depth::DepthMap metres{w, h, std::vector<float>(size_t(w * h), 1.5f)};
  metres.values[0] = 0.0f;
  metres.values[1] = -1.0f;
  metres.values[2] = std::nanf("");
  metres.values[3] = INFINITY;
  const dv::depth::Image img = photo(w, h);
  const auto camera = dv::depth::intrinsics_from_fov(60.0, w, h, "test");
  const auto cloud = dv::depth::build_metric_point_cloud(metres, img, camera);
  REQUIRE(cloud.positions.size() == size_t(w * h - 4));
  CHECK(cloud.colors[0][0] == img.rgb[4 * 3]);  // the first kept sample is pixel 4
  const WrittenPly ply = write_and_read(cloud, "dv-metric-points.ply");
  CHECK(ply.header.find("comment units metres\n") != std::string::npos);
  CHECK(ply.header.find("element vertex 8\n") != std::string::npos);

  dv::depth::CameraIntrinsics no_focal = camera;
  no_focal.fx = 0;
  CHECK_THROWS_WITH(dv::depth::build_metric_point_cloud(metres, img, no_focal), doctest::Contains("not valid"));
  CHECK_THROWS_WITH(dv::depth::build_metric_point_cloud(metres, img, camera.scaled_to(4, 4)),
                    doctest::Contains("not of the depth map's aspect"));
  CHECK_THROWS_WITH(dv::depth::build_metric_point_cloud(metres, photo(3, 3), camera), doctest::Contains("differ in size"));
}
