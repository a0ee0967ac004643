// Edge-aware upsampling: the guided filter (He, Sun, Tang 2010) with the photo's luminance as the
// guide. Depth from a low-resolution model, resized to the photo, has soft edges; the filter
// snaps them to the photo's edges.
#pragma once

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

}  // namespace dv::depth
