#include "scene/min_filter.h"

#include <algorithm>
#include <cstddef>

#include "scene/parallel.h"

namespace dv::scene {
namespace {

// One row: out[i] = min(in[i - r .. i + r]). Blocks of 2r + 1 with running minima from both ends
// give each window as the min of two lookups (van Herk / Gil-Werman).
void min_row(const float* in, float* out, int n, int r, std::vector<float>& fwd, std::vector<float>& bwd) {
  const int block = 2 * r + 1;
  fwd.resize(size_t(n));
  bwd.resize(size_t(n));
  for (int i = 0; i < n; ++i) fwd[size_t(i)] = i % block == 0 ? in[i] : std::min(fwd[size_t(i - 1)], in[i]);
  for (int i = n - 1; i >= 0; --i)
    bwd[size_t(i)] = (i % block == block - 1 || i == n - 1) ? in[i] : std::min(bwd[size_t(i + 1)], in[i]);
  for (int i = 0; i < n; ++i) {
    const int lo = std::max(0, i - r), hi = std::min(n - 1, i + r);
    // A window clipped at the start lies in the first block: its running minimum is exact.
    out[i] = lo == 0 ? fwd[size_t(hi)] : std::min(bwd[size_t(lo)], fwd[size_t(hi)]);
  }
}

// The same down the columns x0..x1, a whole row segment at a time (column by column would
// stride through memory).
void min_columns(const float* in, float* out, int width, int height, int r, size_t x0, size_t x1) {
  const int block = 2 * r + 1;
  const size_t n = x1 - x0, w = size_t(width);
  std::vector<float> fwd(n * size_t(height)), bwd(n * size_t(height));
  auto row = [&](const float* image, int y) { return image + size_t(y) * w + x0; };
  for (int y = 0; y < height; ++y) {
    float* f = &fwd[size_t(y) * n];
    const float* src = row(in, y);
    if (y % block == 0) {
      std::copy(src, src + n, f);
    } else {
      const float* above = &fwd[size_t(y - 1) * n];
      for (size_t x = 0; x < n; ++x) f[x] = std::min(above[x], src[x]);
    }
  }
  for (int y = height - 1; y >= 0; --y) {
    float* b = &bwd[size_t(y) * n];
    const float* src = row(in, y);
    if (y % block == block - 1 || y == height - 1) {
      std::copy(src, src + n, b);
    } else {
      const float* below = &bwd[size_t(y + 1) * n];
      for (size_t x = 0; x < n; ++x) b[x] = std::min(below[x], src[x]);
    }
  }
  for (int y = 0; y < height; ++y) {
    const int lo = std::max(0, y - r), hi = std::min(height - 1, y + r);
    const float* f = &fwd[size_t(hi) * n];
    const float* b = &bwd[size_t(lo) * n];
    float* o = out + size_t(y) * w + x0;
    for (size_t x = 0; x < n; ++x) o[x] = lo == 0 ? f[x] : std::min(b[x], f[x]);
  }
}

}  // namespace

std::vector<float> min_filter(const std::vector<float>& values, int width, int height, int radius, int threads) {
  if (radius <= 0) return values;
  std::vector<float> rows(values.size()), out(values.size());
  parallel_ranges(size_t(height), threads, [&](size_t y0, size_t y1) {
    std::vector<float> fwd, bwd;
    for (size_t y = y0; y < y1; ++y) min_row(&values[y * size_t(width)], &rows[y * size_t(width)], width, radius, fwd, bwd);
  });
  parallel_ranges(size_t(width), threads,
                  [&](size_t x0, size_t x1) { min_columns(rows.data(), out.data(), width, height, radius, x0, x1); });
  return out;
}

}  // namespace dv::scene
