#include "depth/sensor_depth.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace dv::depth {

namespace {

struct Preset {
  const char* name;
  SensorUnits units;
  const char* text;
};
constexpr Preset kPresets[] = {
    {"tum", SensorUnits::Tum, "TUM (value / 5000 m)"},
    {"mm", SensorUnits::Millimetres, "millimetres (value / 1000 m)"},
    {"kitti", SensorUnits::Kitti, "KITTI (value / 256 m)"},
    {"sunrgbd", SensorUnits::SunRgbd, "SUN RGB-D (bits rotated right by 3, then millimetres)"},
    {"nyu", SensorUnits::NyuKinect, "NYU v2 raw Kinect disparity (351.3 / (1092.5 - v) m)"},
};

// NYU Depth v2 toolbox (camera_params.m, depth_rel2depth_abs.m): the Kinect's disparity-to-depth
// constants and its 10 m limit. The raw dump's PGMs hold little-endian samples under a PGM
// header (the toolbox calls swapbytes after imread), so the decoded sample is swapped back.
constexpr double kNyuParam1 = 351.3, kNyuParam2 = 1092.5, kNyuMaxMetres = 10.0;

float nyu_metres(uint16_t stored) {
  const double v = double(uint16_t((stored >> 8) | (stored << 8)));
  if (v >= kNyuParam2) return 0.0f;  // 2047 = no reading; beyond the pole the formula means nothing
  const double d = kNyuParam1 / (kNyuParam2 - v);
  return d <= kNyuMaxMetres ? float(d) : 0.0f;  // the toolbox clamps these to 10 m: not measurements
}

std::string ratio(int w, int h) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f:1", double(w) / double(h));
  return text;
}

}  // namespace

SensorDecoding sensor_preset(const std::string& name) {
  for (const Preset& p : kPresets)
    if (name == p.name) return {p.units, 0.0};
  std::string known;
  for (const std::string& n : sensor_preset_names()) known += (known.empty() ? "" : ", ") + n;
  throw std::invalid_argument("unknown sensor depth decoding '" + name + "' (known: " + known + ")");
}

const std::vector<std::string>& sensor_preset_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const Preset& p : kPresets) n.push_back(p.name);
    return n;
  }();
  return names;
}

SensorDecoding sensor_scale(double metres_per_unit) {
  if (!(metres_per_unit > 0) || !std::isfinite(metres_per_unit))
    throw std::invalid_argument("the sensor depth scale must be a positive number of metres per unit");
  return {SensorUnits::Scale, metres_per_unit};
}

std::string describe(const SensorDecoding& decoding) {
  for (const Preset& p : kPresets)
    if (decoding.units == p.units) return p.text;
  char text[64];
  std::snprintf(text, sizeof text, "value * %g m", decoding.metres_per_unit);
  return text;
}

float sensor_metres(uint16_t value, const SensorDecoding& decoding) {
  if (value == 0) return 0.0f;
  switch (decoding.units) {
    case SensorUnits::Scale: return float(value * decoding.metres_per_unit);
    case SensorUnits::Tum: return float(value / 5000.0);
    case SensorUnits::Millimetres: return float(value / 1000.0);
    case SensorUnits::Kitti: return float(value / 256.0);
    case SensorUnits::SunRgbd: return float(uint16_t((value >> 3) | (value << 13)) / 1000.0);
    case SensorUnits::NyuKinect: return nyu_metres(value);
  }
  return 0.0f;
}

DepthMap decode_sensor_depth(const Grey16& raw, const SensorDecoding& decoding, const std::string& name) {
  if (raw.stored_bits != 16)
    throw ImageError(name + ": an 8-bit image, not a 16-bit depth map (sensor depth needs 16-bit samples)");
  DepthMap map{raw.width, raw.height, std::vector<float>(raw.values.size())};
  // All decodings map 16-bit samples: a table is exact and cheaper than a division per pixel.
  std::vector<float> table(65536);
  for (size_t v = 0; v < table.size(); ++v) table[v] = sensor_metres(uint16_t(v), decoding);
  for (size_t i = 0; i < raw.values.size(); ++i) map.values[i] = table[raw.values[i]];
  return map;
}

DepthMap load_sensor_depth(const std::string& path, const SensorDecoding& decoding) {
  return decode_sensor_depth(decode_grey16(read_file(path), path), decoding, path);
}

namespace {
// The PGM header's numbers after "P5" (width, height, maxval), skipping '#' comments.
bool pgm_numbers(std::span<const uint8_t> b, long* values, int count) {
  size_t i = 2;
  for (int n = 0; n < count; ++n) {
    while (i < b.size() && (std::isspace(b[i]) || b[i] == '#')) {
      if (b[i] == '#')
        while (i < b.size() && b[i] != '\n') ++i;
      else
        ++i;
    }
    long v = 0;
    const size_t start = i;
    while (i < b.size() && std::isdigit(b[i]) && v < 1'000'000) v = v * 10 + (b[i++] - '0');
    if (i == start) return false;
    values[n] = v;
  }
  return true;
}
}  // namespace

bool looks_like_depth_file(std::span<const uint8_t> b) {
  static constexpr uint8_t kPng[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (b.size() >= 26 && std::equal(kPng, kPng + 8, b.begin()))
    return b[24] == 16 && b[25] == 0;  // IHDR: bit depth 16, colour type 0 (grey)
  long header[3] = {};
  return b.size() > 2 && b[0] == 'P' && b[1] == '5' && pgm_numbers(b, header, 3) && header[2] > 255;
}

void check_same_aspect(const DepthMap& sensor, int width, int height, const std::string& name) {
  validate(sensor, name.c_str());
  // Same aspect: one scale s makes both of the photo's sides round to the map's (|side − s·photo| < 1).
  const double lo = std::max((sensor.width - 1.0) / width, (sensor.height - 1.0) / height);
  const double hi = std::min((sensor.width + 1.0) / width, (sensor.height + 1.0) / height);
  if (!(lo < hi))
    throw ImageError(name + ": the depth map is " + std::to_string(sensor.width) + "x" + std::to_string(sensor.height) +
                     " (" + ratio(sensor.width, sensor.height) + ") but the photo is " + std::to_string(width) + "x" +
                     std::to_string(height) + " (" + ratio(width, height) +
                     "): different aspect ratios, so it is not this photo's depth");
}

DepthMap resample_nearest(const DepthMap& sensor, int width, int height) {
  if (sensor.width == width && sensor.height == height) return sensor;
  DepthMap out{width, height, std::vector<float>(size_t(width) * size_t(height))};
  for (int y = 0; y < height; ++y) {
    const int sy = std::min(sensor.height - 1, int((y + 0.5) * sensor.height / height));
    for (int x = 0; x < width; ++x) {
      const int sx = std::min(sensor.width - 1, int((x + 0.5) * sensor.width / width));
      out.values[size_t(y) * size_t(width) + size_t(x)] = sensor.values[size_t(sy) * size_t(sensor.width) + size_t(sx)];
    }
  }
  return out;
}

bool has_holes(const DepthMap& depth) {
  return !std::all_of(depth.values.begin(), depth.values.end(), [](float v) { return v > 0 && std::isfinite(v); });
}

DepthMap resample_depth(const DepthMap& depth, int width, int height) {
  if (depth.width == width && depth.height == height) return depth;
  return has_holes(depth) ? resample_nearest(depth, width, height) : resize(depth, width, height);
}

DepthMap match_photo_size(const DepthMap& sensor, int width, int height, const std::string& name, bool smooth_if_dense) {
  check_same_aspect(sensor, width, height, name);
  return smooth_if_dense ? resample_depth(sensor, width, height) : resample_nearest(sensor, width, height);
}

}  // namespace dv::depth
