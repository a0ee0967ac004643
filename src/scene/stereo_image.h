// Stereo pairs laid out as the images stereo viewers, VR players and 3D TVs take: side by side
// (full or half width), over-under, cross-eyed (the eyes swapped) and a red-cyan anaglyph.
#pragma once

#include <string>
#include <vector>

#include "depth/image.h"
#include "scene/stereo_views.h"

namespace dv::scene {

enum class StereoLayout { SideBySide, SideBySideHalf, OverUnder, CrossEyed, Anaglyph };

// Output images wider or taller than this (8K UHD) are refused.
constexpr int kMaxStereoSide = 7680;

// The layout's output size for eyes of width x height.
void stereo_layout_size(StereoLayout layout, int width, int height, int* out_width, int* out_height);

// Throws std::invalid_argument, giving the size, when the layout of width x height eyes would be
// over kMaxStereoSide wide or tall: callers check before rendering the views.
void check_stereo_size(StereoLayout layout, int width, int height);

// Throws std::invalid_argument when the eyes differ in size or are invalid, or the output would be
// over kMaxStereoSide wide or tall (the message gives the size).
depth::Image compose_stereo(const StereoPair& pair, StereoLayout layout);

// The red-cyan anaglyph by Dubois' least-squares projection, in linear light (sRGB decoded, the
// matrices applied, clipped, encoded again).
depth::Image dubois_anaglyph(const depth::Image& left, const depth::Image& right);

}  // namespace dv::scene
