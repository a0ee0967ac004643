// Pixels of a rendered view that nothing reached (beyond the background's band, at the border).
#pragma once

#include <vector>

#include "depth/image.h"

namespace dv::scene {

// Each pixel whose `nearness` is not finite takes the colour of the farther (smaller nearness) of
// the nearest reached pixels to its left and right in its row, as the scene behind would continue.
void fill_holes_from_behind(depth::Image& image, const std::vector<float>& nearness);

}  // namespace dv::scene
