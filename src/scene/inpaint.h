// Inpainting in both builds, no OpenCV: multi-scale harmonic diffusion. Known pixels are averaged
// down a pyramid, the coarsest level is relaxed to a smooth fill, and each finer level starts its
// holes from the level above and relaxes them again (red-black over-relaxation of Laplace's
// equation), so a hole of any width fills in a few sweeps a level and a linear gradient is kept.
// Which pixels may serve as a source is the caller's choice: the layered depth image lets only the
// background's pixels feed the fill behind a foreground edge (colour diffused along the background).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace dv::scene {

// Called with the fraction done (0..1); return false to cancel.
using Progress = std::function<bool(float fraction)>;

enum class PixelRole : uint8_t {
  kSource,  // known: kept and diffused into the holes
  kHole,    // unknown: filled
  kIgnore,  // neither: not read, not written (e.g. a foreground the fill must not bleed from)
};

// `channels` interleaved floats a pixel, row-major.
struct Planes {
  int width = 0, height = 0, channels = 0;
  std::vector<float> values;
};

struct InpaintOptions {
  int threads = 1;        // relaxation sweeps split over this many threads (std::thread)
  int sweeps = 16;        // relaxation sweeps a pyramid level (each starts from the coarser fill)
  Progress progress;      // optional
};

// Fills the kHole pixels of `image` from its kSource pixels (roles: one a pixel). Holes with no
// source anywhere take the sources' mean; with no source at all they are left as they are.
// Returns false when `progress` cancelled (the holes are then partly filled). Throws
// std::invalid_argument on an empty image or sizes that do not match.
bool inpaint(Planes& image, const std::vector<PixelRole>& roles, const InpaintOptions& options = {});

}  // namespace dv::scene
