#include "depth/camera_depth.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "depth/heif_depth.h"
#include "depth/image.h"
#include "depth/image_format.h"
#include "depth/orientation.h"
#include "depth/sensor_depth.h"
#if DV_HAVE_CONTAINER
#include "media/container/container_error.h"
#include "media/container/dynamic_depth.h"
#endif

namespace dv::depth {

namespace {

// An embedded depth map is at most the photo's size in phones: a much larger one is not decoded.
uint64_t depth_pixel_limit(int width, int height) {
  return std::max<uint64_t>(4 * uint64_t(width) * uint64_t(height), 16'000'000);
}

std::string range_text(const DepthMap& depth, const char* unit) {
  float lo = INFINITY, hi = 0;
  for (const float v : depth.values)
    if (v > 0 && std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  char text[64];
  std::snprintf(text, sizeof text, "%.2f-%.2f%s", double(lo), double(hi), unit);
  return hi > 0 ? text : "no valid samples";
}

// Camera maps come from a fixed range: infinity or NaN (a zero disparity) is "no measurement".
void drop_non_finite(DepthMap& depth) {
  for (float& v : depth.values)
    if (!std::isfinite(v) || v < 0) v = 0;
}

CameraDepth on_photo_grid(DepthMap stored, int width, int height, const std::string& name, std::string source,
                          bool metric) {
  drop_non_finite(stored);
  CameraDepth out;
  out.stored_width = stored.width;
  out.stored_height = stored.height;
  out.depth = match_photo_size(stored, width, height, name + "'s camera depth", /*smooth_if_dense=*/true);
  out.metric = metric;
  out.source = std::move(source) + ", " + range_text(out.depth, metric ? " m" : " (file units)");
  return out;
}

std::optional<CameraDepth> heif_camera_depth(std::span<const uint8_t> bytes, int width, int height,
                                             const std::string& name) {
  const auto heif = read_heif_depth(bytes, name, depth_pixel_limit(width, height));
  if (!heif) return std::nullopt;
  // libheif turns the depth image as it turns the primary image (irot/imir): already upright.
  DepthMap stored{heif->width, heif->height, heif_depth_map(*heif)};
  // Apple states disparity in 1/m, so its depth is in metres.
  return on_photo_grid(std::move(stored), width, height, name,
                       std::string("HEIC depth image (") + depth_representation_name(heif->representation) + ")",
                       /*metric=*/true);
}

#if DV_HAVE_CONTAINER
std::optional<CameraDepth> jpeg_camera_depth(std::span<const uint8_t> bytes, int width, int height,
                                             const std::string& name) {
  std::optional<media::EmbeddedDepth> embedded;
  try {
    embedded = media::read_embedded_depth(bytes);
  } catch (const media::ContainerError& e) {
    throw ImageError(name + ": the embedded depth is damaged: " + e.what());
  }
  if (!embedded) return std::nullopt;
  const Grey16 samples = decode_grey16(embedded->depth_image, name + "'s depth map", depth_pixel_limit(width, height));
  const std::vector<float> normalized = media::normalized_samples(std::span<const uint16_t>(samples.values));
  DepthMap stored{samples.width, samples.height, media::depth_from_normalized(normalized, embedded->encoding)};
  // The depth map is stored like the primary image: the photo's EXIF orientation turns both.
  stored = apply_orientation(stored, exif_orientation(bytes));
  const auto& e = embedded->encoding;
  const bool dynamic = embedded->source == media::DepthSource::DynamicDepth;
  const bool range_inverse = e.format == media::DepthFormat::RangeInverse;
  std::string source = std::string(dynamic ? "Dynamic Depth" : "GDepth (Lens Blur)") + " (" +
                       (range_inverse ? "RangeInverse" : "RangeLinear") + ")";
  // Pixels label their RangeInverse maps "Diopters" while Near and Far are in metres (0.21 and
  // 5.7 for a portrait): both units give metric depth; GDepth and "None" do not.
  const bool metric = e.units == "Meters" || e.units == "Diopters";
  return on_photo_grid(std::move(stored), width, height, name, std::move(source), metric);
}
#endif

}  // namespace

std::optional<CameraDepth> read_camera_depth(std::span<const uint8_t> photo_bytes, int width, int height,
                                             const std::string& name) {
  const ImageFormat format = sniff_image_format(photo_bytes);
  if (format == ImageFormat::heic || format == ImageFormat::heif || format == ImageFormat::avif)
    return DV_HAVE_HEIF ? heif_camera_depth(photo_bytes, width, height, name) : std::nullopt;
#if DV_HAVE_CONTAINER
  // read_embedded_depth tells JPEGs from the rest itself.
  if (format == ImageFormat::other) return jpeg_camera_depth(photo_bytes, width, height, name);
#endif
  return std::nullopt;
}

}  // namespace dv::depth
