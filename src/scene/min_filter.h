// Grey-scale erosion (a square min filter), the tool that finds how far a pixel is from
// something farther away: depth is bright = near, so the minimum over a window is the farthest
// surface within that distance.
#pragma once

#include <vector>

namespace dv::scene {

// Memory one filter needs, kept between calls (a 12 MP photo filtered twenty times would
// otherwise fault in fresh pages each time).
struct MinFilterScratch {
  std::vector<float> rows, forward, backward;
};

// Replaces each value of `values` (width x height, row-major) with the minimum over the
// (2 radius + 1)^2 window around it, clipped at the borders. O(pixels) whatever the radius
// (van Herk / Gil-Werman).
void min_filter(std::vector<float>& values, int width, int height, int radius, int threads, MinFilterScratch& scratch);

// The same into a new image.
std::vector<float> min_filter(const std::vector<float>& values, int width, int height, int radius, int threads = 1);

}  // namespace dv::scene
