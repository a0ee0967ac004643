#include "depth/lidar.h"

#include <cmath>
#include <cstring>
#include <sstream>
#include <stdexcept>

#include "depth/image.h"

namespace dv::depth {

namespace {

// The numbers of row `key` ("key: …") into *values; false when the text has no such row.
bool find_row(std::string_view text, const std::string& key, std::vector<double>* values, const std::string& name) {
  std::istringstream lines{std::string(text)};
  for (std::string line; std::getline(lines, line);) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos || line.compare(0, colon, key) != 0 || colon != key.size()) continue;
    std::istringstream numbers(line.substr(colon + 1));
    values->clear();
    for (std::string word; numbers >> word;) {
      char* end = nullptr;
      const double v = std::strtod(word.c_str(), &end);
      if (end == word.c_str() || *end != '\0' || !std::isfinite(v))
        throw std::runtime_error(name + ": row " + key + ": '" + word + "' is not a number");
      values->push_back(v);
    }
    return true;
  }
  return false;
}

template <size_t N>
std::array<double, N> row(std::string_view text, const std::string& key, const std::string& name) {
  std::vector<double> values;
  if (!find_row(text, key, &values, name))
    throw std::runtime_error(name + ": the calibration has no " + key +
                             " row (KITTI object calibration: P2, R0_rect and Tr_velo_to_cam are needed)");
  if (values.size() != N)
    throw std::runtime_error(name + ": row " + key + " has " + std::to_string(values.size()) + " numbers, expected " +
                             std::to_string(N));
  std::array<double, N> out{};
  std::copy(values.begin(), values.end(), out.begin());
  return out;
}

}  // namespace

KittiCalibration parse_kitti_calibration(std::string_view text, const std::string& name) {
  return {row<12>(text, "P2", name), row<9>(text, "R0_rect", name), row<12>(text, "Tr_velo_to_cam", name)};
}

KittiCalibration load_kitti_calibration(const std::string& path) {
  const std::vector<uint8_t> bytes = read_file(path);
  return parse_kitti_calibration(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), path);
}

CameraIntrinsics intrinsics(const KittiCalibration& c, int width, int height) {
  return {c.p2[0], c.p2[5], c.p2[2], c.p2[6], width, height, "KITTI calibration P2"};
}

std::vector<LidarPoint> parse_velodyne(std::span<const uint8_t> bytes, const std::string& name) {
  static_assert(sizeof(LidarPoint) == 16);
  if (bytes.empty() || bytes.size() % sizeof(LidarPoint) != 0)
    throw std::runtime_error(name + ": not a Velodyne scan (" + std::to_string(bytes.size()) +
                             " bytes is not a whole, non-zero number of 16-byte x, y, z, reflectance points)");
  std::vector<LidarPoint> points(bytes.size() / sizeof(LidarPoint));
  std::memcpy(points.data(), bytes.data(), bytes.size());  // both builds are little-endian
  return points;
}

std::vector<LidarPoint> load_velodyne(const std::string& path) { return parse_velodyne(read_file(path), path); }

namespace {
// a (3x4) · [b (3x3 or 3x4) ; 0 0 0 1] as a 3x4 matrix.
std::array<double, 12> compose(const std::array<double, 12>& a, const double* b, int b_cols) {
  std::array<double, 12> out{};
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 4; ++c) {
      double s = c == 3 ? a[size_t(r * 4 + 3)] : 0.0;
      for (int k = 0; k < 3; ++k) s += a[size_t(r * 4 + k)] * (c < b_cols ? b[k * b_cols + c] : 0.0);
      out[size_t(r * 4 + c)] = s;
    }
  return out;
}
}  // namespace

DepthMap project_lidar(std::span<const LidarPoint> points, const KittiCalibration& calib, int width, int height) {
  if (width <= 0 || height <= 0) throw std::invalid_argument("project_lidar: the image size must be positive");
  const std::array<double, 12> rt = compose({calib.r0_rect[0], calib.r0_rect[1], calib.r0_rect[2], 0,  //
                                             calib.r0_rect[3], calib.r0_rect[4], calib.r0_rect[5], 0,  //
                                             calib.r0_rect[6], calib.r0_rect[7], calib.r0_rect[8], 0},
                                            calib.tr_velo_to_cam.data(), 4);
  const std::array<double, 12> m = compose(calib.p2, rt.data(), 4);
  DepthMap map{width, height, std::vector<float>(size_t(width) * size_t(height), 0.0f)};
  for (const LidarPoint& p : points) {
    const double x = p.x, y = p.y, z = p.z;
    const double w = m[8] * x + m[9] * y + m[10] * z + m[11];
    if (!(w > 0)) continue;  // behind the camera (or not a number)
    const double u = std::round((m[0] * x + m[1] * y + m[2] * z + m[3]) / w);
    const double v = std::round((m[4] * x + m[5] * y + m[6] * z + m[7]) / w);
    if (!(u >= 0 && u < width && v >= 0 && v < height)) continue;
    float& d = map.values[size_t(v) * size_t(width) + size_t(u)];
    if (d == 0.0f || w < d) d = float(w);
  }
  return map;
}

}  // namespace dv::depth
