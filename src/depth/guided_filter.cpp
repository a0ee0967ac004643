#include "depth/guided_filter.h"

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace dv::depth {

namespace {

// Mean over the (2r+1)² window around each pixel (clipped at the borders), via a summed-area
// table in double so large photos keep their precision.
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

std::vector<float> product(const std::vector<float>& a, const std::vector<float>& b) {
  std::vector<float> out(a.size());
  std::transform(a.begin(), a.end(), b.begin(), out.begin(), [](float x, float y) { return x * y; });
  return out;
}

}  // namespace

DepthMap guided_filter(const DepthMap& depth, const Image& guide, const GuidedFilterOptions& options) {
  if (guide.width != depth.width || guide.height != depth.height)
    throw std::invalid_argument("guided filter: the photo and the depth map differ in size");
  const int w = depth.width, h = depth.height, r = std::max(1, options.radius);
  std::vector<float> I(size_t(w) * size_t(h));
  for (size_t i = 0; i < I.size(); ++i)  // Rec. 601 luminance in [0, 1]
    I[i] = (0.299f * guide.rgb[i * 3] + 0.587f * guide.rgb[i * 3 + 1] + 0.114f * guide.rgb[i * 3 + 2]) / 255.0f;
  const std::vector<float>& p = depth.values;
  const std::vector<float> mean_I = box_mean(I, w, h, r), mean_p = box_mean(p, w, h, r);
  const std::vector<float> mean_Ip = box_mean(product(I, p), w, h, r), mean_II = box_mean(product(I, I), w, h, r);
  std::vector<float> a(I.size()), b(I.size());
  for (size_t i = 0; i < I.size(); ++i) {
    const float cov = mean_Ip[i] - mean_I[i] * mean_p[i], var = mean_II[i] - mean_I[i] * mean_I[i];
    a[i] = cov / (var + options.eps);
    b[i] = mean_p[i] - a[i] * mean_I[i];
  }
  const std::vector<float> mean_a = box_mean(a, w, h, r), mean_b = box_mean(b, w, h, r);
  const auto [lo, hi] = std::minmax_element(p.begin(), p.end());
  DepthMap out{w, h, std::vector<float>(I.size())};
  for (size_t i = 0; i < I.size(); ++i) out.values[i] = std::clamp(mean_a[i] * I[i] + mean_b[i], *lo, *hi);
  return out;
}

}  // namespace dv::depth
