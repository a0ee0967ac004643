// Camera depth in HEIF photos: the depth auxiliary image an iPhone's portrait mode stores next to
// the primary image (libheif's depth-image API), and its representation (ISO/IEC 23008-12 depth
// representation info: what the grey samples mean).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "depth/image.h"

namespace dv::depth {

enum class DepthRepresentation {
  uniform_inverse_z,      // samples uniform in 1/Z between 1/z_far (0) and 1/z_near (max)
  uniform_disparity,      // samples uniform in disparity between d_min (0) and d_max (max); Apple
  uniform_z,              // samples uniform in Z between z_near (0) and z_far (max)
  nonuniform_disparity,   // needs a nonlinear model: not converted
  unknown,                // the file has no representation info
};

struct HeifDepth {
  int width = 0, height = 0;  // of the depth image (e.g. 768x576 for a 4032x3024 iPhone photo)
  int bits = 8;               // per sample; samples are 0 .. 2^bits - 1
  std::vector<uint16_t> samples;  // width * height, row-major, as decoded (its own irot/imir applied)
  DepthRepresentation representation = DepthRepresentation::unknown;
  std::optional<double> z_near, z_far, d_min, d_max;  // those the file states
};

// The primary image's depth image; nullopt when the bytes are no HEIF file (WebP, JPEG…) or the
// primary image has none. Throws ImageError when the HEIF file is damaged, the depth image is larger
// than max_pixels, or this build has no HEIF support.
std::optional<HeifDepth> read_heif_depth(std::span<const uint8_t> bytes, const std::string& name = "image",
                                         uint64_t max_pixels = kMaxImagePixels);

// Per sample, by the representation (v = sample / (2^bits - 1)):
//   uniform disparity:  disparity = d_min + v·(d_max − d_min),     depth = 1 / disparity
//   uniform inverse Z:  1/Z = 1/z_far + v·(1/z_near − 1/z_far),    disparity = 1/Z
//   uniform Z:          Z = z_near + v·(z_far − z_near),           disparity = 1/Z
// Depth is in the file's units (Apple's disparity is in 1/m, so its depth is in metres); a
// disparity of 0 gives an infinite depth. Throws ImageError for a nonuniform or unknown
// representation, or when the parameters it needs are missing (or, for inverse Z, not positive).
std::vector<float> heif_disparity_map(const HeifDepth& depth);
std::vector<float> heif_depth_map(const HeifDepth& depth);

const char* depth_representation_name(DepthRepresentation representation);

}  // namespace dv::depth
