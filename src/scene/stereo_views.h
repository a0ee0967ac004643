// Left and right eye views of a 3D photo by forward warping its layered depth image on the CPU
// (no GL, both builds): each pixel moves sideways by half its disparity, the background layer
// first, then the foreground over it, so what the foreground uncovers shows the inpainted
// background rather than a hole or a rubber sheet.
#pragma once

#include "depth/image.h"
#include "scene/layered_depth.h"

namespace dv::scene {

struct StereoOptions {
  // The disparity between a point at depth 1 (nearest) and one at depth 0 (farthest), as a share
  // of the photo's width: how far apart the eyes are. 2-3 % is comfortable on a screen.
  float eye_distance = 0.025f;
  // The depth that lies in the screen plane (no disparity): nearer points stand out of it.
  float zero_parallax = 0.5f;
};

struct StereoPair {
  depth::Image left, right;  // each the photo's size
};

// Disparity in pixels of normalised depth `depth` (bright = near) in a `width` pixels wide view:
// positive for points before the screen plane (the left eye sees them further right).
float disparity_pixels(float depth, int width, const StereoOptions& options);

// Throws std::invalid_argument for an empty layered image or options that are not finite numbers
// (eye_distance within ±0.5).
StereoPair render_stereo_pair(const LayeredDepth& layers, const StereoOptions& options = {});

}  // namespace dv::scene
