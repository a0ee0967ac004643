#include "depth/guided_filter.h"

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace dv::depth {

namespace {

std::vector<float> product(const std::vector<float>& a, const std::vector<float>& b) {
  std::vector<float> out(a.size());
  std::transform(a.begin(), a.end(), b.begin(), out.begin(), [](float x, float y) { return x * y; });
  return out;
}

}  // namespace

// A summed-area table in double so large photos keep their precision.
std::vector<float> box_mean(const std::vector<float>& v, int w, int h, int r) {
  const size_t W = size_t(w) + 1;
  std::vector<double> sat(W * (size_t(h) + 1), 0.0);
  for (int y = 0; y < h; ++y) {
    double row = 0;
    for (int x = 0; x < w; ++x) {
      row += v[size_t(y) * size_t(w) + size_t(x)];
      sat[(size_t(y) + 1) * W + size_t(x) + 1] = sat[size_t(y) * W + size_t(x) + 1] + row;
    }
  }
  std::vector<float> out(v.size());
  for (int y = 0; y < h; ++y) {
    const size_t y0 = size_t(std::max(0, y - r)), y1 = size_t(std::min(h, y + r + 1));
    for (int x = 0; x < w; ++x) {
      const size_t x0 = size_t(std::max(0, x - r)), x1 = size_t(std::min(w, x + r + 1));
      const double sum = sat[y1 * W + x1] - sat[y0 * W + x1] - sat[y1 * W + x0] + sat[y0 * W + x0];
      out[size_t(y) * size_t(w) + size_t(x)] = float(sum / double((y1 - y0) * (x1 - x0)));
    }
  }
  return out;
}

std::vector<float> luminance(const Image& photo) {
  std::vector<float> y(size_t(photo.width) * size_t(photo.height));
  for (size_t i = 0; i < y.size(); ++i)
    y[i] = (0.299f * photo.rgb[i * 3] + 0.587f * photo.rgb[i * 3 + 1] + 0.114f * photo.rgb[i * 3 + 2]) / 255.0f;
  return y;
}

DepthMap guided_filter(const DepthMap& depth, const Image& guide, const GuidedFilterOptions& options) {
  validate(depth, "guided filter");
  validate(guide, "guided filter photo");
  if (guide.width != depth.width || guide.height != depth.height)
    throw std::invalid_argument("guided filter: the photo and the depth map differ in size");
  if (!(options.eps > 0.0f)) throw std::invalid_argument("guided filter: eps must be positive");
  const int w = depth.width, h = depth.height, r = std::max(1, options.radius);
  DepthMap I{w, h, luminance(guide)};
  // Fast guided filter (He & Sun 2015): the linear coefficients are smooth, so they are computed
  // on a copy subsampled by s (radius r / s) and enlarged again; only the final a * I + b runs at
  // full resolution. This keeps a 12 MP photo to a few float planes.
  const int s = std::max(1, r / 4), sw = std::max(1, w / s), sh = std::max(1, h / s), sr = std::max(1, r / s);
  const DepthMap small_I = s > 1 ? resize(I, sw, sh) : I, small_p = s > 1 ? resize(depth, sw, sh) : depth;
  const std::vector<float>& Is = small_I.values;
  const std::vector<float>& ps = small_p.values;
  const std::vector<float> mean_I = box_mean(Is, sw, sh, sr), mean_p = box_mean(ps, sw, sh, sr);
  const std::vector<float> mean_Ip = box_mean(product(Is, ps), sw, sh, sr),
                           mean_II = box_mean(product(Is, Is), sw, sh, sr);
  DepthMap a{sw, sh, std::vector<float>(Is.size())}, b{sw, sh, std::vector<float>(Is.size())};
  for (size_t i = 0; i < Is.size(); ++i) {
    const float cov = mean_Ip[i] - mean_I[i] * mean_p[i], var = mean_II[i] - mean_I[i] * mean_I[i];
    a.values[i] = cov / (var + options.eps);
    b.values[i] = mean_p[i] - a.values[i] * mean_I[i];
  }
  a.values = box_mean(a.values, sw, sh, sr);
  b.values = box_mean(b.values, sw, sh, sr);
  if (s > 1) a = resize(a, w, h), b = resize(b, w, h);
  const auto [lo, hi] = std::minmax_element(depth.values.begin(), depth.values.end());
  DepthMap out{w, h, std::move(I.values)};
  for (size_t i = 0; i < out.values.size(); ++i)
    out.values[i] = std::clamp(a.values[i] * out.values[i] + b.values[i], *lo, *hi);
  return out;
}

}  // namespace dv::depth
