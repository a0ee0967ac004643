// Sensor depth decodings on hand-made samples, SUN RGB-D's bit rotation both ways, resampling to
// the photo (same aspect) and the error for another aspect; KITTI: a synthetic point projected to
// a hand-computed pixel, calibration and scan errors, and the shared frames against their derived
// depth PNGs.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "depth/export.h"
#include "depth/lidar.h"
#include "depth/sensor_depth.h"

namespace fs = std::filesystem;
using dv::depth::DepthMap;
using dv::depth::Grey16;
using dv::depth::SensorUnits;

namespace {
float decode(uint16_t v, const std::string& preset) { return dv::depth::sensor_metres(v, dv::depth::sensor_preset(preset)); }
uint16_t rotate_left3(uint16_t v) { return uint16_t((v << 3) | (v >> 13)); }
uint16_t swap_bytes(uint16_t v) { return uint16_t((v << 8) | (v >> 8)); }

std::vector<uint8_t> png16(int w, int h, const std::vector<uint16_t>& samples) {
  return dv::depth::encode_grey16(Grey16{w, h, samples});
}

// A calibration file in KITTI's object format with the given rows.
std::string calibration(const std::string& p2, const std::string& r0, const std::string& tr) {
  return "P0: 1 0 0 0 0 1 0 0 0 0 1 0\n" + p2 + "\n" + r0 + "\n" + tr + "\nTr_imu_to_velo: 1 0 0 0 0 1 0 0 0 0 1 0\n";
}
const std::string kP2 = "P2: 500 0 100 40 0 500 50 0 0 0 1 0";
const std::string kR0 = "R0_rect: 1 0 0 0 1 0 0 0 1";
// The usual LiDAR → camera axes: camera x = −y, camera y = −z, camera z = x.
const std::string kTr = "Tr_velo_to_cam: 0 -1 0 0 0 0 -1 0 1 0 0 0";
}  // namespace

TEST_CASE("sensor depth: each preset on hand-made samples, 0 = no measurement") {
  CHECK(decode(5000, "tum") == doctest::Approx(1.0f));
  CHECK(decode(7396, "tum") == doctest::Approx(1.4792f));
  CHECK(decode(1500, "mm") == doctest::Approx(1.5f));
  CHECK(decode(2560, "kitti") == doctest::Approx(10.0f));
  CHECK(decode(65535, "kitti") == doctest::Approx(255.996f));
  CHECK(decode(rotate_left3(1234), "sunrgbd") == doctest::Approx(1.234f));
  CHECK(decode(9872, "sunrgbd") == doctest::Approx(1.234f));  // 1234 << 3 by hand
  // NYU raw: 351.3 / (1092.5 − 800) = 1.20103 m; the sample is stored byte-swapped.
  CHECK(decode(swap_bytes(800), "nyu") == doctest::Approx(351.3f / 292.5f));
  CHECK(decode(swap_bytes(1000), "nyu") == doctest::Approx(351.3f / 92.5f));
  CHECK(decode(swap_bytes(1092), "nyu") == 0.0f);  // 702 m: past the Kinect's 10 m
  CHECK(decode(swap_bytes(2047), "nyu") == 0.0f);  // the Kinect's "no reading"
  CHECK(dv::depth::sensor_metres(400, dv::depth::sensor_scale(0.0002)) == doctest::Approx(0.08f));
  for (const std::string& preset : dv::depth::sensor_preset_names()) CHECK(decode(0, preset) == 0.0f);
  CHECK(dv::depth::sensor_preset("mm").units == SensorUnits::Millimetres);
  CHECK_THROWS_WITH(dv::depth::sensor_preset("feet"), doctest::Contains("known: tum, mm, kitti, sunrgbd, nyu"));
  CHECK_THROWS_WITH(dv::depth::sensor_scale(0), doctest::Contains("positive"));
  CHECK_THROWS_AS(dv::depth::sensor_scale(-1e-3), std::invalid_argument);
}

TEST_CASE("sensor depth: SUN RGB-D's bit rotation round trip over every 16-bit value") {
  const auto sun = dv::depth::sensor_preset("sunrgbd");
  size_t wrong = 0;
  for (uint32_t mm = 1; mm < 65536; ++mm)
    if (dv::depth::sensor_metres(rotate_left3(uint16_t(mm)), sun) != float(mm / 1000.0)) ++wrong;
  CHECK(wrong == 0);
}

TEST_CASE("sensor depth: a 16-bit PNG decodes to metres; an 8-bit image is refused") {
  const fs::path dir = fs::temp_directory_path();
  const std::string path16 = (dir / "dv-sensor16.png").string(), path8 = (dir / "dv-sensor8.png").string();
  dv::depth::write_bytes(path16, png16(3, 1, {0, 5000, 10000}));
  const DepthMap m = dv::depth::load_sensor_depth(path16, dv::depth::sensor_preset("tum"));
  REQUIRE(m.values.size() == 3);
  CHECK(m.values[0] == 0.0f);
  CHECK(m.values[1] == doctest::Approx(1.0f));
  CHECK(m.values[2] == doctest::Approx(2.0f));
  // Metres back to millimetres (the CLI's 16-bit output): 1.2345 m -> 1235, none -> 0, capped.
  const Grey16 mm = dv::depth::decode_grey16(dv::depth::encode_png16_millimetres(DepthMap{3, 1, {1.2345f, 0.0f, 99.0f}}));
  CHECK(mm.values == std::vector<uint16_t>{1235, 0, 65535});
  dv::depth::write_png8(path8, DepthMap{3, 1, {0.0f, 0.5f, 1.0f}});
  CHECK_THROWS_WITH(dv::depth::load_sensor_depth(path8, dv::depth::sensor_preset("mm")),
                    doctest::Contains("8-bit image, not a 16-bit depth map"));
  fs::remove(path16), fs::remove(path8);
}

TEST_CASE("sensor depth: a smaller map of the photo's aspect is resampled (nearest); another aspect is refused") {
  // 2x2 blocks of a 3x2 map (one hole) on a 6x4 photo: each pixel takes its block's value.
  const DepthMap small{3, 2, {1, 2, 0, 4, 5, 6}};
  const DepthMap big = dv::depth::match_photo_size(small, 6, 4, "d.png");
  REQUIRE(big.width == 6);
  REQUIRE(big.height == 4);
  const float expected[4][6] = {{1, 1, 2, 2, 0, 0}, {1, 1, 2, 2, 0, 0}, {4, 4, 5, 5, 6, 6}, {4, 4, 5, 5, 6, 6}};
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 6; ++x) CHECK(big.values[size_t(y * 6 + x)] == expected[y][x]);
  // The iPhone's 768x576 for 4032x3024, an eighth of it here: 96x72 for 504x378.
  const DepthMap iphone{96, 72, std::vector<float>(96 * 72, 1.5f)};
  const DepthMap up = dv::depth::match_photo_size(iphone, 504, 378, "depth.png");
  CHECK(up.values.size() == 504u * 378u);
  CHECK(up.values.back() == 1.5f);
  CHECK(dv::depth::match_photo_size(small, 3, 2, "d.png").values == small.values);
  // A map rounded to whole pixels (KITTI 1242x375 halved: 621x187.5 -> 621x188) still fits.
  CHECK_NOTHROW(dv::depth::match_photo_size(DepthMap{621, 188, std::vector<float>(621 * 188, 1.0f)}, 1242, 375, "k.png"));
  const DepthMap vga{64, 48, std::vector<float>(64 * 48, 1.0f)};
  CHECK_THROWS_WITH(dv::depth::match_photo_size(vga, 1242, 375, "depth.png"),
                    doctest::Contains("depth.png: the depth map is 64x48 (1.333:1) but the photo is 1242x375 (3.312:1)"));
}

TEST_CASE("lidar: a synthetic point lands on the hand-computed pixel; nearest wins; behind is dropped") {
  const auto calib = dv::depth::parse_kitti_calibration(calibration(kP2, kR0, kTr), "calib.txt");
  const auto k = dv::depth::intrinsics(calib, 200, 100);
  CHECK(k.fx == 500);
  CHECK(k.fy == 500);
  CHECK(k.cx == 100);
  CHECK(k.cy == 50);
  CHECK(k.width == 200);
  // LiDAR (10, −1, 0.5) → camera (1, −0.5, 10) → u = (500·1 + 100·10 + 40) / 10 = 154,
  // v = (500·(−0.5) + 50·10) / 10 = 25. (20, −2.08, 1) → camera (2.08, −1, 20) lands there too:
  // u = (1040 + 2000 + 40) / 20 = 154, v = (−500 + 1000) / 20 = 25, twice as far.
  const std::vector<dv::depth::LidarPoint> points = {
      {20, -2.08f, 1, 0.5f}, {10, -1, 0.5f, 0.1f}, {-10, -1, 0.5f, 0}, {10, 50, 0, 0}};
  const DepthMap d = dv::depth::project_lidar(points, calib, 200, 100);
  CHECK(d.values[size_t(25 * 200 + 154)] == doctest::Approx(10.0f));
  size_t hits = 0;
  for (float v : d.values) hits += v > 0;
  CHECK(hits == 1);  // behind the camera and off the image: dropped
}

TEST_CASE("lidar: calibration with a missing or short row and a broken scan: one clear error each") {
  CHECK_THROWS_WITH(dv::depth::parse_kitti_calibration(calibration(kP2, "", kTr), "000000.txt"),
                    doctest::Contains("000000.txt: the calibration has no R0_rect row"));
  CHECK_THROWS_WITH(dv::depth::parse_kitti_calibration(calibration("", kR0, kTr), "c.txt"),
                    doctest::Contains("no P2 row"));
  CHECK_THROWS_WITH(dv::depth::parse_kitti_calibration(calibration(kP2, kR0, ""), "c.txt"),
                    doctest::Contains("no Tr_velo_to_cam row"));
  CHECK_THROWS_WITH(dv::depth::parse_kitti_calibration(calibration("P2: 500 0 100 40 0 500 50 0 0 0 1", kR0, kTr), "c.txt"),
                    doctest::Contains("row P2 has 11 numbers, expected 12"));
  CHECK_THROWS_WITH(dv::depth::parse_kitti_calibration(calibration(kP2, "R0_rect: 1 0 0 0 1 0 0 0 x", kTr), "c.txt"),
                    doctest::Contains("row R0_rect: 'x' is not a number"));
  CHECK_THROWS_WITH(dv::depth::load_kitti_calibration("/nonexistent/calib.txt"), doctest::Contains("cannot open"));
  const std::vector<uint8_t> scan(17, 0);
  CHECK_THROWS_WITH(dv::depth::parse_velodyne(scan, "scan.bin"), doctest::Contains("scan.bin: not a Velodyne scan (17 bytes"));
  CHECK_THROWS_AS(dv::depth::parse_velodyne({}, "empty.bin"), std::runtime_error);
  const float xyzr[8] = {1, 2, 3, 0.5f, -4, 5, -6, 0};
  std::vector<uint8_t> bytes(sizeof xyzr);
  std::memcpy(bytes.data(), xyzr, sizeof xyzr);
  const auto points = dv::depth::parse_velodyne(bytes, "scan.bin");
  REQUIRE(points.size() == 2);
  CHECK(points[1].x == -4);
  CHECK(points[1].z == -6);
  CHECK(points[0].reflectance == 0.5f);
}

TEST_CASE("lidar: the shared KITTI frames project onto their derived depth PNGs") {
  const fs::path kitti = fs::path(DV_SHARED_DIR) / "lidar" / "kitti_object";
  if (!fs::exists(kitti / "velodyne" / "000000.bin")) {
    MESSAGE("SKIPPED: ../shared/lidar not found (" << kitti.string() << ")");
    return;
  }
  for (const std::string id : {"000000", "000001"}) {
    const Grey16 derived =
        dv::depth::decode_grey16(dv::depth::read_file((kitti / "velodyne_depth_derived" / (id + ".png")).string()));
    const DepthMap d = dv::depth::project_lidar(dv::depth::load_velodyne((kitti / "velodyne" / (id + ".bin")).string()),
                                                dv::depth::load_kitti_calibration((kitti / "calib" / (id + ".txt")).string()),
                                                derived.width, derived.height);
    size_t same = 0, points = 0, off_by_more = 0;
    for (size_t i = 0; i < d.values.size(); ++i) {
      const long ours = std::lround(std::floor(double(d.values[i]) * 256)), theirs = derived.values[i];
      same += ours == theirs, points += theirs > 0, off_by_more += std::abs(ours - theirs) > 1;
    }
    MESSAGE(id << ": " << points << " LiDAR pixels, " << d.values.size() - same << " differ from the derived PNG");
    CHECK(points > 10000);
    CHECK(off_by_more == 0);
    CHECK(double(same) / double(d.values.size()) > 0.9999);
  }
}
