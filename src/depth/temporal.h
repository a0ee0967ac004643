// Temporal stabilisation of per-frame depth (video): each frame's relative inverse depth drifts in
// scale and shift and flickers locally. Each frame is aligned to a running reference (the previous
// output, moved by the camera's global translation) by a robust scale + shift fit over pixels that
// did not move, then averaged per pixel with the reference where the photo did not change and the
// depth agrees to within flicker (a far larger change is motion the photo test missed, e.g. a
// turning camera over a plain wall); a scene cut starts afresh.
//
// Measured with bench/flicker.cpp (dv_flicker, FastDepth, 640x320, 30 frames, noise σ 3, exposure
// ±3%, pan 4 px/frame), flicker stabilised / raw: (a) still camera 0.27 with history 12 (0.31 at 8,
// 0.40 at 4, 0.26 at 16); (b) pan 0.11 (0.32 without the translation search: the reference would
// sit where the content was). The fit is a Deming regression because least squares, fed the
// noisy frame as x, shrinks the output a little every frame (the still-scene test: to 1/1.15 of
// its scale in 40 frames).
#pragma once

#include <span>
#include <vector>

#include "depth/image.h"
#include "depth/postprocess.h"

namespace dv::depth {

// a, b fitting a x + b ≈ y, then `trim_rounds` refits without the pairs whose residual exceeds
// 2.5 robust standard deviations (MAD) of the last fit. x_noise: the noise variance of x over that
// of y (Deming regression): 0 = x exact (ordinary least squares of y on x); noise in x that least
// squares ignores shrinks a, which would compound frame after frame. A flat x gives a = 1.
struct LinearFit {
  double scale = 1, shift = 0;
};
LinearFit robust_linear_fit(std::span<const float> x, std::span<const float> y, int trim_rounds = 3,
                            double x_noise = 0);

struct StabiliserOptions {
  int history = 12;                // frames averaged at most where the scene is static (1 = no averaging)
  float motion_threshold = 0.03f;  // blurred luminance change (0..1) above which a pixel moved; it
                                   // takes the new frame's value fully at twice this
  float depth_threshold = 0.08f;   // aligned depth this far from the reference (in the first frame's
                                   // [0, 1] scale) is a real change, not flicker: it takes the new
                                   // value fully at twice this (motion the photo test missed)
  int blur_radius = 2;             // box blur of the luminance before differencing (sensor noise)
  int max_translation = 32;        // camera translation searched between frames, pixels (0 = none)
  int fit_samples = 8192;          // pixels (a regular subsample) for the scale + shift fits
  float cut_ratio = 4.0f;          // a cut: mean photo change this many times the recent mean…
  float cut_min_change = 0.08f;    // …and at least this much,
  float cut_histogram = 0.35f;     // or luminance histograms this far apart (half the L1 distance, 0..1)
};

// What push() did with the last frame.
struct StabiliserFrame {
  bool reset = false;           // first frame, a scene cut or a size change: output = input
  double scale = 1, shift = 0;  // the alignment of the input: aligned = scale * input + shift
  int dx = 0, dy = 0;           // content at (x, y) was at (x + dx, y + dy) in the previous frame
  double mean_change = 0;       // mean blurred luminance change after exposure compensation
  double static_fraction = 0;   // share of pixels that did not move (change below the threshold)
};

class Stabiliser {
 public:
  explicit Stabiliser(const StabiliserOptions& options = {});
  // One frame: the photo and its depth (same size; larger = nearer, any scale). Returns the
  // stabilised depth, in the scale of the first frame since the last reset. Throws
  // std::invalid_argument on an invalid photo or map, or when their sizes differ.
  DepthMap push(const Image& photo, const DepthMap& depth);
  // Forgets the past: the next frame is output as it is.
  void reset();
  const StabiliserFrame& last() const { return last_; }

 private:
  DepthMap start(std::vector<float> luma, std::vector<float> histogram, const DepthMap& depth);
  bool is_cut(double mean_change, const std::vector<float>& histogram) const;
  DepthMap blend(const DepthMap& depth, const LinearFit& fit, const std::vector<float>& change,
                 const std::vector<float>& ref_depth, const std::vector<float>& ref_weight);
  StabiliserOptions options_;
  StabiliserFrame last_;
  int width_ = 0, height_ = 0;
  std::vector<float> luma_, histogram_, weight_;  // previous frame's blurred luminance; frames averaged per pixel
  DepthMap output_;                               // the previous output: the reference
  double recent_change_ = -1;                     // running mean of mean_change (< 0: none yet)
};

}  // namespace dv::depth
