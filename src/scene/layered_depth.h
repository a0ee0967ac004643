// A two-layer layered depth image of a photo, the 3D photo's data: the foreground is the photo as
// is; the background holds, in a band behind each foreground edge, the colour and depth that a
// view up to `view_degrees` off-axis reveals there, filled by inpainting from the background's own
// pixels (scene/inpaint.h). Elsewhere the background is the photo, so its mesh joins the
// foreground's where the band ends.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "depth/image.h"
#include "depth/postprocess.h"
#include "scene/inpaint.h"

namespace dv::scene {

// How the relief is seen: what the band must be wide enough for.
struct ViewGeometry {
  float depth_scale = 0.3f;    // relief height relative to the photo's width (the viewer's default)
  float view_degrees = 15.0f;  // the widest view off-axis the band is made for
  float view_distance = 1.6f;  // the camera's distance, photo widths (the viewer's default orbit)
};

struct LayeredOptions {
  float edge_jump = 0.1f;      // a depth edge: a jump over this share of the photo's depth range
                               // (lower cuts faces at a model's spurious steps; higher stretches more)
  ViewGeometry view;
  InpaintOptions inpaint;      // threads, sweeps, progress (of the band search and the fill, 0..1)
};

struct Layer {
  depth::Image color;
  depth::DepthMap depth;       // normalised, bright = near
  std::vector<uint8_t> mask;   // 1 where the layer has content of its own; empty: everywhere
};

struct LayeredDepth {
  Layer foreground;            // the photo and its depth
  Layer background;            // mask = the band; empty (0 x 0) without depth edges
  float edge_jump = 0.0f;      // the jump in depth units that made an edge: meshes cut there too
  ViewGeometry view;           // what the band was made for
  int band_width = 0;          // pixels: the widest band (a full-range jump at a corner)
  size_t band_pixels = 0;
  int layer_count() const { return background.color.width > 0 ? 2 : 1; }
};

// Pixels of a `photo_width` wide photo that a jump of `depth_jump` (normalised depth) uncovers
// when the relief (z = depth x depth_scale photo widths) is seen view_degrees off-axis from
// view_distance, `off_centre` photo widths from the photo's centre: the turn shifts near against
// far by z sin(angle), the perspective by z off_centre / distance more.
float reveal_width(int photo_width, float depth_jump, const ViewGeometry& view, float off_centre = 0.0f);

// depth: the photo's size, normalised 0..1, bright = near. nullopt when options.inpaint.progress
// cancelled. Throws std::invalid_argument on an empty photo or depth map, sizes that differ, or
// options that are not positive numbers.
std::optional<LayeredDepth> build_layered_depth(const depth::Image& photo, const depth::DepthMap& depth,
                                                const LayeredOptions& options = {});

}  // namespace dv::scene
