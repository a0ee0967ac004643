// Grey-scale erosion (a square min filter), the tool that finds how far a pixel is from
// something farther away: depth is bright = near, so the minimum over a window is the farthest
// surface within that distance.
#pragma once

#include <vector>

namespace dv::scene {

// The minimum of `values` (width x height, row-major) over the (2 radius + 1)^2 window around each
// pixel, clipped at the borders. O(pixels) whatever the radius (van Herk / Gil-Werman).
std::vector<float> min_filter(const std::vector<float>& values, int width, int height, int radius, int threads = 1);

}  // namespace dv::scene
