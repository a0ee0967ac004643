// Edge-aware upsampling: the guided filter (He, Sun, Tang 2010) with the photo's luminance as the
// guide. Depth from a low-resolution model, resized to the photo, has soft edges; the filter
// snaps them to the photo's edges.
#pragma once

#include <vector>

#include "depth/image.h"
#include "depth/postprocess.h"

namespace dv::depth {

struct GuidedFilterOptions {
  int radius = 0;       // window radius in pixels; 0 = about the upscaling factor of the model
  float eps = 1e-3f;    // regularisation (guide is in [0, 1]): larger = smoother
};

// depth and guide have the same size; values stay in the input's range. Large radii run on a
// subsampled copy (fast guided filter), so the cost stays close to linear in the pixel count.
DepthMap guided_filter(const DepthMap& depth, const Image& guide, const GuidedFilterOptions& options);

// Mean over the (2r+1)² window around each pixel of a w x h plane (clipped at the borders).
std::vector<float> box_mean(const std::vector<float>& v, int w, int h, int r);
// Rec. 601 luminance of each pixel in [0, 1].
std::vector<float> luminance(const Image& photo);

}  // namespace dv::depth
