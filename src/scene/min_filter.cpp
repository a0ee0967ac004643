#include "scene/min_filter.h"

#include <algorithm>
#include <cstddef>

#include "scene/parallel.h"

namespace dv::scene {
namespace {

// One line of n samples `stride` apart: out[i] = min(in[i - r .. i + r]). Blocks of 2r + 1 with
// running minima from both ends give each window as the min of two lookups.
void min_line(const float* in, float* out, int n, ptrdiff_t stride, int r, std::vector<float>& fwd,
              std::vector<float>& bwd) {
  const int block = 2 * r + 1;
  fwd.resize(size_t(n));
  bwd.resize(size_t(n));
  for (int i = 0; i < n; ++i) fwd[size_t(i)] = i % block == 0 ? in[i * stride] : std::min(fwd[size_t(i - 1)], in[i * stride]);
  for (int i = n - 1; i >= 0; --i)
    bwd[size_t(i)] = (i % block == block - 1 || i == n - 1) ? in[i * stride] : std::min(bwd[size_t(i + 1)], in[i * stride]);
  for (int i = 0; i < n; ++i) {
    const int lo = std::max(0, i - r), hi = std::min(n - 1, i + r);
    // A window clipped at the start lies in the first block: its running minimum is exact.
    out[i * stride] = lo == 0 ? fwd[size_t(hi)] : std::min(bwd[size_t(lo)], fwd[size_t(hi)]);
  }
}

}  // namespace

std::vector<float> min_filter(const std::vector<float>& values, int width, int height, int radius, int threads) {
  if (radius <= 0) return values;
  std::vector<float> rows(values.size()), out(values.size());
  parallel_ranges(size_t(height), threads, [&](size_t y0, size_t y1) {
    std::vector<float> fwd, bwd;
    for (size_t y = y0; y < y1; ++y)
      min_line(&values[y * size_t(width)], &rows[y * size_t(width)], width, 1, radius, fwd, bwd);
  });
  parallel_ranges(size_t(width), threads, [&](size_t x0, size_t x1) {
    std::vector<float> fwd, bwd;
    for (size_t x = x0; x < x1; ++x) min_line(&rows[x], &out[x], height, width, radius, fwd, bwd);
  });
  return out;
}

}  // namespace dv::scene
