#include "scene/layered_depth.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

#include "scene/min_filter.h"
#include "scene/parallel.h"

namespace dv::scene {
namespace {

// The band also covers an edge's soft ramp (a model's depth is upsampled) and rounding.
constexpr float kRevealMargin = 1.25f;
constexpr float kRampPixels = 2.0f;
// Foreground pixels up to this many band widths from an edge never feed the background's fill.
constexpr float kExcludedWidths = 2.0f;
// An edge is steeper than a slope that the widest view would stretch this many times (relief
// triangles are counted as stretched past 4x); upsampled depth ramps an edge over about
// width / kRampDivisor pixels (a model's input is a few hundred pixels wide).
constexpr float kEdgeStretch = 2.0f;
constexpr float kRampDivisor = 256.0f;
// Past this radius the band search runs on the photo min-pooled by kPool (a few pixels of error
// in bands hundreds wide, a sixteenth of the work).
constexpr int kPooledFrom = 32, kPool = 4;
constexpr float kBandShare = 0.3f;  // of the time, about, on a 12 MP photo

void validate(const depth::Image& photo, const depth::DepthMap& depth, const LayeredOptions& o) {
  depth::validate(photo, "layered depth: photo");
  depth::validate(depth, "layered depth: depth map");
  if (photo.width != depth.width || photo.height != depth.height)
    throw std::invalid_argument("layered depth: the photo is " + std::to_string(photo.width) + "x" +
                                std::to_string(photo.height) + " but its depth map " + std::to_string(depth.width) +
                                "x" + std::to_string(depth.height));
  const ViewGeometry& v = o.view;
  if (!(o.edge_jump > 0) || !(v.depth_scale > 0) || !(v.view_degrees > 0) || !std::isfinite(o.edge_jump) ||
      !std::isfinite(v.depth_scale) || !(v.view_degrees < 90) || !(v.view_distance > 0) || !std::isfinite(v.view_distance))
    throw std::invalid_argument("layered depth: the edge jump, depth scale, view angle and distance must be positive numbers");
}

// Finite depth; NaN / infinite samples become the farthest depth (they have none of their own).
std::vector<float> finite_depth(const depth::DepthMap& depth, float* lo, float* hi) {
  *lo = INFINITY, *hi = -INFINITY;
  for (float v : depth.values)
    if (std::isfinite(v)) *lo = std::min(*lo, v), *hi = std::max(*hi, v);
  if (!(*lo <= *hi)) *lo = *hi = 0.0f;
  std::vector<float> d(depth.values);
  for (float& v : d)
    if (!std::isfinite(v)) v = *lo;
  return d;
}

// Edge pixels: the near side of a jump over `jump` that is steeper than `min_slope` (depth per
// pixel) within `radius` pixels (a model's upsampled depth ramps its edges over a few pixels). A
// gentler slope is no edge: the relief stays whole there and stretches little.
std::vector<float> far_from_edges(const std::vector<float>& d, int width, int height, float jump, float min_slope,
                                  int threads) {
  const int radius = std::max(2, int(std::lround(width / kRampDivisor)));
  const std::vector<float> farthest = min_filter(d, width, height, radius, threads);
  std::vector<float> away(d.size());
  for (size_t i = 0; i < d.size(); ++i) {
    const float step = d[i] - farthest[i];
    away[i] = step > jump && step >= min_slope * float(radius) ? 0.0f : 1.0f;
  }
  return away;  // 0 on an edge, 1 elsewhere: its min filter is 0 within that radius of an edge
}

// How far the band search has reached: the farthest depth and whether an edge lies within the
// radius reached so far, at 1 / scale of the photo's size (each pixel the min of its block).
struct Reach {
  int scale = 1, width = 0, height = 0;
  std::vector<float> farthest, edge_away;
  size_t at(int x, int y) const { return size_t(y / scale) * size_t(width) + size_t(x / scale); }
};

// Min-pools both images by `factor` (wide radii need no full resolution).
Reach pooled(const Reach& fine, int factor) {
  Reach out{fine.scale * factor, (fine.width + factor - 1) / factor, (fine.height + factor - 1) / factor, {}, {}};
  out.farthest.assign(size_t(out.width) * size_t(out.height), INFINITY);
  out.edge_away = out.farthest;
  for (int y = 0; y < fine.height; ++y)
    for (int x = 0; x < fine.width; ++x) {
      const size_t i = size_t(y) * size_t(fine.width) + size_t(x), o = size_t(y / factor) * size_t(out.width) + size_t(x / factor);
      out.farthest[o] = std::min(out.farthest[o], fine.farthest[i]);
      out.edge_away[o] = std::min(out.edge_away[o], fine.edge_away[i]);
    }
  return out;
}

// Each pixel's role in the background's fill. A pixel within radius r of an edge (r growing by
// half each step) and nearer by more than `jump` than something there is in the band when that jump
// reveals more than the previous radius: a hole. Foreground pixels a little farther from the edge
// are ignored, so only the background feeds the fill. Empty when `progress` cancelled.
std::vector<PixelRole> background_roles(const std::vector<float>& d, int width, int height, float jump,
                                        const LayeredOptions& o, const Progress& progress) {
  // Pixels a full-range jump reveals at each pixel (more towards the photo's corners).
  std::vector<float> pixels_per_depth(d.size());
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      pixels_per_depth[size_t(y) * size_t(width) + size_t(x)] =
          kRevealMargin * reveal_width(width, 1.0f, o.view, std::hypot(float(x) / float(width) - 0.5f, float(y - height / 2) / float(width)));
  std::vector<PixelRole> roles(d.size(), PixelRole::kSource);
  const float widest = *std::max_element(pixels_per_depth.begin(), pixels_per_depth.end()) + kRampPixels;
  const int threads = o.inpaint.threads;
  const float min_slope = kEdgeStretch / (kRevealMargin * reveal_width(width, 1.0f, o.view));
  Reach reach{1, width, height, d, far_from_edges(d, width, height, jump, min_slope, threads)};
  MinFilterScratch scratch;
  for (int inner = 0, r = 1; float(inner) <= widest * kExcludedWidths; inner = r) {
    if (reach.scale == 1 && inner >= kPooledFrom) reach = pooled(reach, kPool);
    const int grow = std::max(1, r / 2 / reach.scale);  // in reach pixels
    r = inner + grow * reach.scale;
    min_filter(reach.farthest, reach.width, reach.height, grow, threads, scratch);  // both now over radius r
    min_filter(reach.edge_away, reach.width, reach.height, grow, threads, scratch);
    parallel_ranges(size_t(height), threads, [&](size_t y0, size_t y1) {
      for (int y = int(y0); y < int(y1); ++y)
        for (int x = 0; x < width; ++x) {
          const size_t i = size_t(y) * size_t(width) + size_t(x), c = reach.at(x, y);
          const float step = d[i] - reach.farthest[c];
          if (step <= jump || reach.edge_away[c] > 0.0f || roles[i] == PixelRole::kHole) continue;
          const float reveal = step * pixels_per_depth[i] + kRampPixels;  // pixels this jump uncovers
          if (reveal >= float(inner)) roles[i] = PixelRole::kHole;
          else if (reveal * kExcludedWidths >= float(inner)) roles[i] = PixelRole::kIgnore;
        }
    });
    if (progress && !progress(std::min(1.0f, float(r) / (widest * kExcludedWidths)))) return {};  // cancelled
  }
  return roles;
}

Planes colour_and_depth(const depth::Image& photo, const std::vector<float>& d) {
  Planes p{photo.width, photo.height, 4, std::vector<float>(d.size() * 4)};
  for (size_t i = 0; i < d.size(); ++i) {
    for (int k = 0; k < 3; ++k) p.values[i * 4 + size_t(k)] = photo.rgb[i * 3 + size_t(k)];
    p.values[i * 4 + 3] = d[i];
  }
  return p;
}

// The photo with the band replaced by the fill; the filled depth stays behind the foreground.
Layer background_layer(const depth::Image& photo, const std::vector<float>& d, const Planes& fill,
                       const std::vector<PixelRole>& roles, float jump) {
  Layer bg{photo, {photo.width, photo.height, d}, std::vector<uint8_t>(d.size(), 0)};
  for (size_t i = 0; i < d.size(); ++i) {
    if (roles[i] != PixelRole::kHole) continue;
    bg.mask[i] = 1;
    for (int k = 0; k < 3; ++k)
      bg.color.rgb[i * 3 + size_t(k)] = uint8_t(std::clamp(std::lround(fill.values[i * 4 + size_t(k)]), 0L, 255L));
    bg.depth.values[i] = std::min(fill.values[i * 4 + 3], d[i] - jump);
  }
  return bg;
}

}  // namespace

float reveal_width(int photo_width, float depth_jump, const ViewGeometry& o, float off_centre) {
  const float turn = std::sin(o.view_degrees * std::numbers::pi_v<float> / 180.0f);
  return depth_jump * o.depth_scale * (turn + off_centre / o.view_distance) * float(photo_width);
}

std::optional<LayeredDepth> build_layered_depth(const depth::Image& photo, const depth::DepthMap& depth,
                                                const LayeredOptions& options) {
  validate(photo, depth, options);
  float lo, hi;
  const std::vector<float> d = finite_depth(depth, &lo, &hi);
  LayeredDepth out;
  out.foreground = {photo, depth, {}};
  out.edge_jump = options.edge_jump * (hi - lo);
  out.view = options.view;
  if (!(hi - lo > 1e-6f)) return out;  // flat: no edges
  const float corner = std::hypot(0.5f, 0.5f * float(photo.height) / float(photo.width));
  out.band_width = int(std::ceil(kRevealMargin * reveal_width(photo.width, hi - lo, options.view, corner) + kRampPixels));
  // Progress: the band search is the first kBandShare of the work, the fill the rest.
  const Progress& user = options.inpaint.progress;
  auto phase = [&user](float start, float share) {
    return user ? Progress([&user, start, share](float f) { return user(start + share * f); }) : Progress();
  };
  const auto roles = background_roles(d, photo.width, photo.height, out.edge_jump, options, phase(0.0f, kBandShare));
  if (roles.empty()) return std::nullopt;
  out.band_pixels = size_t(std::count(roles.begin(), roles.end(), PixelRole::kHole));
  if (out.band_pixels == 0) return out;
  Planes fill = colour_and_depth(photo, d);
  InpaintOptions inpainting = options.inpaint;
  inpainting.progress = phase(kBandShare, 1.0f - kBandShare);
  if (!inpaint(fill, roles, inpainting)) return std::nullopt;
  out.background = background_layer(photo, d, fill, roles, out.edge_jump);
  return out;
}

}  // namespace dv::scene
