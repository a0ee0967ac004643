#include "scene/min_filter.h"

#include <algorithm>
#include <cstddef>

#include "scene/parallel.h"

namespace dv::scene {
namespace {

// Blocks of 2r + 1 with running minima from both ends give each window as the min of two
// lookups; a window clipped at the start lies in the first block, whose forward minimum is exact.
// The three callbacks fill element i of a line (a pixel, or a row segment of pixels).
template <class Forward, class Backward, class Window>
void van_herk(int n, int r, const Forward& forward, const Backward& backward, const Window& window) {
  const int block = 2 * r + 1;
  for (int b = 0; b < n; b += block) {
    const int end = std::min(n, b + block);
    for (int i = b; i < end; ++i) forward(i, i == b);
    for (int i = end - 1; i >= b; --i) backward(i, i == end - 1);
  }
  for (int i = 0; i < n; ++i) window(i, std::max(0, i - r), std::min(n - 1, i + r));
}

void min_row(const float* in, float* out, int n, int r, float* fwd, float* bwd) {
  van_herk(
      n, r, [&](int i, bool first) { fwd[i] = first ? in[i] : std::min(fwd[i - 1], in[i]); },
      [&](int i, bool last) { bwd[i] = last ? in[i] : std::min(bwd[i + 1], in[i]); },
      [&](int i, int lo, int hi) { out[i] = lo == 0 ? fwd[hi] : std::min(bwd[lo], fwd[hi]); });
}

// Down the columns x0..x1 a row segment at a time (column by column would stride through memory).
void min_columns(const float* in, float* out, size_t width, int height, int r, size_t x0, size_t x1, float* fwd,
                 float* bwd) {
  const size_t n = x1 - x0;
  auto src = [&](int y) { return in + size_t(y) * width + x0; };
  auto seg = [&](float* buffer, int y) { return buffer + size_t(y) * n; };
  van_herk(
      height, r,
      [&](int y, bool first) {
        const float *s = src(y), *above = first ? s : seg(fwd, y - 1);
        float* f = seg(fwd, y);
        for (size_t x = 0; x < n; ++x) f[x] = std::min(above[x], s[x]);
      },
      [&](int y, bool last) {
        const float *s = src(y), *below = last ? s : seg(bwd, y + 1);
        float* b = seg(bwd, y);
        for (size_t x = 0; x < n; ++x) b[x] = std::min(below[x], s[x]);
      },
      [&](int y, int lo, int hi) {
        const float *f = seg(fwd, hi), *b = lo == 0 ? f : seg(bwd, lo);
        float* o = out + size_t(y) * width + x0;
        for (size_t x = 0; x < n; ++x) o[x] = std::min(b[x], f[x]);
      });
}

}  // namespace

void min_filter(std::vector<float>& values, int width, int height, int radius, int threads, MinFilterScratch& s) {
  if (radius <= 0) return;
  s.rows.resize(values.size());
  s.forward.resize(values.size());
  s.backward.resize(values.size());
  const size_t w = size_t(width), h = size_t(height);
  parallel_ranges(h, threads, [&](size_t y0, size_t y1) {
    for (size_t y = y0; y < y1; ++y)  // each row uses its own stretch of the scratch
      min_row(&values[y * w], &s.rows[y * w], width, radius, &s.forward[y * w], &s.backward[y * w]);
  });
  parallel_ranges(w, threads, [&](size_t x0, size_t x1) {
    min_columns(s.rows.data(), values.data(), w, height, radius, x0, x1, &s.forward[x0 * h], &s.backward[x0 * h]);
  });
}

std::vector<float> min_filter(const std::vector<float>& values, int width, int height, int radius, int threads) {
  std::vector<float> out(values);
  MinFilterScratch scratch;
  min_filter(out, width, height, radius, threads, scratch);
  return out;
}

}  // namespace dv::scene
