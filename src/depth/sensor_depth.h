// Sensor depth maps (RGB-D cameras, depth PNGs of data sets) → metres: the 16-bit samples as the
// file stores them (image.h's decode_grey16) and a decoding that says what a sample means.
// 0 is "no measurement" in every decoding. The evaluation manifest (evaluate.h) names the same
// decodings, so there is one place for them.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "depth/image.h"
#include "depth/postprocess.h"

namespace dv::depth {

enum class SensorUnits {
  Scale,        // metres = value * metres_per_unit
  Tum,          // TUM RGB-D: value / 5000
  Millimetres,  // value / 1000 (Kinect v1/v2 via OpenNI, Open3D/Redwood, RealSense at 1 mm)
  Kitti,        // KITTI depth completion: value / 256
  SunRgbd,      // SUN RGB-D / SUN3D: millimetres rotated left by 3 bits in 16 bits
  NyuKinect,    // NYU v2 raw dump: byte-swapped 11-bit Kinect disparity, 351.3 / (1092.5 − v) m
};

struct SensorDecoding {
  SensorUnits units = SensorUnits::Scale;
  double metres_per_unit = 0;  // Scale only
};

// Presets by name: tum, mm, kitti, sunrgbd, nyu. Throws std::invalid_argument listing them.
SensorDecoding sensor_preset(const std::string& name);
const std::vector<std::string>& sensor_preset_names();
// An arbitrary linear scale; throws std::invalid_argument unless it is a positive number.
SensorDecoding sensor_scale(double metres_per_unit);
// "TUM (value / 5000 m)": for messages.
std::string describe(const SensorDecoding& decoding);

// One sample in metres; 0 when it is no measurement (0, or outside what the decoding can mean).
float sensor_metres(uint16_t value, const SensorDecoding& decoding);

// Every sample in metres. Throws ImageError naming `name` for an 8-bit image (not depth samples).
DepthMap decode_sensor_depth(const Grey16& raw, const SensorDecoding& decoding, const std::string& name);
DepthMap load_sensor_depth(const std::string& path, const SensorDecoding& decoding);

// Whether a file's header says depth samples: a 16-bit grey PNG, or a binary PGM with more than
// 8 bits (maxval > 255). Photos are 8-bit or colour, so a dropped pair tells itself apart.
bool looks_like_depth_file(std::span<const uint8_t> bytes);

// The sensor map on the photo's pixel grid: as it is at the same size; a map of the same aspect
// ratio (within a pixel of rounding) at another size is resampled by nearest neighbour (holes
// stay holes, no depth is invented across an edge). A different aspect ratio throws ImageError
// naming `name`: it is not this photo's depth. smooth_if_dense: a map without holes (a phone's
// depth) is resampled bilinearly instead, so a small map does not terrace the relief.
DepthMap match_photo_size(const DepthMap& sensor, int width, int height, const std::string& name,
                          bool smooth_if_dense = false);
// Its parts: the aspect check (throws as above), nearest-neighbour resampling, and the choice of
// the two resamplings by whether the map has holes (≤ 0 or not finite).
void check_same_aspect(const DepthMap& sensor, int width, int height, const std::string& name);
DepthMap resample_nearest(const DepthMap& sensor, int width, int height);
bool has_holes(const DepthMap& depth);
DepthMap resample_depth(const DepthMap& depth, int width, int height);

}  // namespace dv::depth
