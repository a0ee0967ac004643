// Sample → disparity / depth conversions (no libheif needed: they run in every build); the
// reading itself is in image_heif.cpp, where libheif is.
#include "depth/heif_depth.h"

#include <cmath>

#include "depth/image_format.h"

namespace dv::depth {

namespace {

double required(const std::optional<double>& value, const char* what, DepthRepresentation r) {
  if (!value || !std::isfinite(*value))
    throw ImageError(std::string("the depth map's representation (") + depth_representation_name(r) + ") lacks " +
                     what);
  return *value;
}

double positive(const std::optional<double>& value, const char* what, DepthRepresentation r) {
  const double v = required(value, what, r);
  if (v <= 0)
    throw ImageError(std::string("the depth map's ") + what + " is " + std::to_string(v) + ", not positive");
  return v;
}

// The representation as a line: quantity = offset + v·slope, v = sample / max. The quantity is
// disparity (1/Z) or, for uniform Z, Z itself.
struct Line {
  double offset, slope;
  bool is_z;
};

Line line_of(const HeifDepth& d) {
  const DepthRepresentation r = d.representation;
  switch (r) {
    case DepthRepresentation::uniform_disparity: {
      const double lo = required(d.d_min, "d_min", r), hi = required(d.d_max, "d_max", r);
      return {lo, hi - lo, false};
    }
    case DepthRepresentation::uniform_inverse_z: {
      const double inv_far = 1 / positive(d.z_far, "z_far", r), inv_near = 1 / positive(d.z_near, "z_near", r);
      return {inv_far, inv_near - inv_far, false};
    }
    case DepthRepresentation::uniform_z: {
      const double lo = required(d.z_near, "z_near", r), hi = required(d.z_far, "z_far", r);
      return {lo, hi - lo, true};
    }
    default:
      throw ImageError(std::string("the depth map's representation (") + depth_representation_name(r) +
                       ") cannot be converted");
  }
}

// want_z: depth (Z) per sample, else disparity (1/Z).
std::vector<float> convert(const HeifDepth& d, bool want_z) {
  if (d.bits < 1 || d.bits > 16) throw ImageError("the depth map has " + std::to_string(d.bits) + "-bit samples");
  const Line line = line_of(d);
  const double max = double((1u << d.bits) - 1);
  std::vector<float> out(d.samples.size());
  for (size_t i = 0; i < out.size(); ++i) {
    const double q = line.offset + line.slope * (d.samples[i] / max);
    out[i] = float(line.is_z == want_z ? q : 1 / q);
  }
  return out;
}

}  // namespace

std::vector<float> heif_disparity_map(const HeifDepth& depth) { return convert(depth, false); }
std::vector<float> heif_depth_map(const HeifDepth& depth) { return convert(depth, true); }

const char* depth_representation_name(DepthRepresentation representation) {
  switch (representation) {
    case DepthRepresentation::uniform_inverse_z: return "uniform inverse Z";
    case DepthRepresentation::uniform_disparity: return "uniform disparity";
    case DepthRepresentation::uniform_z: return "uniform Z";
    case DepthRepresentation::nonuniform_disparity: return "nonuniform disparity";
    default: return "unknown";
  }
}

#if !DV_HAVE_HEIF
// Without libheif a HEIF file is still recognised, so it gets a clear message, not "no depth".
std::optional<HeifDepth> read_heif_depth(std::span<const uint8_t> bytes, const std::string& name, uint64_t) {
  const ImageFormat format = sniff_image_format(bytes);
  if (format == ImageFormat::other || format == ImageFormat::webp) return std::nullopt;
  refuse_unbuilt_format(name, format);
}
#endif

}  // namespace dv::depth
