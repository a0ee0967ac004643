#include "depth/temporal.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>

#include "depth/guided_filter.h"

namespace dv::depth {

namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr int kHistogramBins = 32;
constexpr size_t kMinStaticSamples = 64;  // fewer static pixels: the fit uses every covered one

std::string size_text(int w, int h) { return std::to_string(w) + "x" + std::to_string(h); }

void check_inputs(const Image& photo, const DepthMap& depth) {
  validate(photo, "temporal stabiliser photo");
  validate(depth, "temporal stabiliser depth");
  if (photo.width != depth.width || photo.height != depth.height)
    throw std::invalid_argument("temporal stabiliser: the photo (" + size_text(photo.width, photo.height) +
                                ") and the depth map (" + size_text(depth.width, depth.height) + ") differ in size");
}

// Of about 64k pixels: enough to tell scenes apart, and a float increment per pixel of a large
// frame cost a fifth of push().
std::vector<float> histogram(const std::vector<float>& luma) {
  std::vector<uint32_t> counts(kHistogramBins, 0);
  const size_t step = std::max<size_t>(1, luma.size() / 65536);
  for (size_t i = 0; i < luma.size(); i += step)
    ++counts[size_t(std::clamp(int(luma[i] * kHistogramBins), 0, kHistogramBins - 1))];
  const float n = float((luma.size() + step - 1) / step);
  std::vector<float> bins(kHistogramBins);
  for (size_t b = 0; b < bins.size(); ++b) bins[b] = float(counts[b]) / n;
  return bins;
}

double histogram_distance(const std::vector<float>& a, const std::vector<float>& b) {
  double d = 0;
  for (size_t i = 0; i < a.size(); ++i) d += std::abs(a[i] - b[i]);
  return d / 2;
}

// A pyramid level: the frame's pixels (not copied), or a reduced level's own (moving a Plane keeps
// its vector's buffer, so v stays valid).
struct Plane {
  int w = 0, h = 0;
  std::span<const float> v;
  std::vector<float> own;
  float at(int x, int y) const { return v[size_t(y) * size_t(w) + size_t(x)]; }
};

Plane half(const Plane& p) {
  Plane out{p.w / 2, p.h / 2, {}, std::vector<float>(size_t(p.w / 2) * size_t(p.h / 2))};
  for (int y = 0; y < out.h; ++y)
    for (int x = 0; x < out.w; ++x)
      out.own[size_t(y) * size_t(out.w) + size_t(x)] =
          (p.at(2 * x, 2 * y) + p.at(2 * x + 1, 2 * y) + p.at(2 * x, 2 * y + 1) + p.at(2 * x + 1, 2 * y + 1)) / 4;
  out.v = out.own;
  return out;
}

// Mean |cur(x, y) − prev(x + dx, y + dy)| over the overlap (on a grid of about 20k pixels).
double shift_cost(const Plane& prev, const Plane& cur, int dx, int dy) {
  const int x0 = std::max(0, -dx), x1 = std::min(cur.w, cur.w - dx), y0 = std::max(0, -dy),
            y1 = std::min(cur.h, cur.h - dy);
  if (x1 - x0 < cur.w / 2 || y1 - y0 < cur.h / 2) return std::numeric_limits<double>::infinity();
  const int step = std::max(1, int(std::sqrt(double(x1 - x0) * (y1 - y0) / 20000.0)));
  double sum = 0;
  size_t n = 0;
  for (int y = y0; y < y1; y += step)
    for (int x = x0; x < x1; x += step, ++n) sum += std::abs(cur.at(x, y) - prev.at(x + dx, y + dy));
  return sum / double(n);
}

// The best shift within ±radius of (cx, cy).
std::pair<int, int> best_shift(const Plane& prev, const Plane& cur, int cx, int cy, int radius) {
  std::pair<int, int> best{cx, cy};
  double best_cost = std::numeric_limits<double>::infinity();
  for (int dy = cy - radius; dy <= cy + radius; ++dy)
    for (int dx = cx - radius; dx <= cx + radius; ++dx)
      if (const double c = shift_cost(prev, cur, dx, dy); c < best_cost) best_cost = c, best = {dx, dy};
  return best;
}

// The camera's global translation (integer pixels), coarse to fine on a pyramid: a full search at
// the coarsest level, then ±1 per finer level. No motion wins unless a shift matches clearly
// better, so that noise on a still scene does not move the reference.
std::pair<int, int> estimate_translation(const std::vector<float>& prev, const std::vector<float>& cur, int w, int h,
                                         int max_shift) {
  if (max_shift <= 0) return {0, 0};
  std::vector<std::pair<Plane, Plane>> levels;
  levels.emplace_back(Plane{w, h, prev, {}}, Plane{w, h, cur, {}});
  while ((max_shift >> (levels.size() - 1)) > 4 && levels.back().first.w >= 64 && levels.back().first.h >= 64)
    levels.emplace_back(half(levels.back().first), half(levels.back().second));
  const int top = int(levels.size()) - 1;
  auto [dx, dy] =
      best_shift(levels[size_t(top)].first, levels[size_t(top)].second, 0, 0, (max_shift + (1 << top) - 1) >> top);
  for (int l = top - 1; l >= 0; --l)
    std::tie(dx, dy) = best_shift(levels[size_t(l)].first, levels[size_t(l)].second, 2 * dx, 2 * dy, 1);
  const Plane &p = levels[0].first, &c = levels[0].second;
  if (shift_cost(p, c, 0, 0) <= 1.02 * shift_cost(p, c, dx, dy) + 1e-4) return {0, 0};
  return {dx, dy};
}

// out(x, y) = v(x + dx, y + dy), `fill` where that is outside the frame.
std::vector<float> translate(const std::vector<float>& v, int w, int h, int dx, int dy, float fill) {
  if (dx == 0 && dy == 0) return v;
  std::vector<float> out(v.size(), fill);
  for (int y = std::max(0, -dy); y < std::min(h, h - dy); ++y)
    for (int x = std::max(0, -dx); x < std::min(w, w - dx); ++x)
      out[size_t(y) * size_t(w) + size_t(x)] = v[size_t(y + dy) * size_t(w) + size_t(x + dx)];
  return out;
}

// Pairs (x[i], y[i]) on a regular grid of about `samples` pixels where both are finite and `use`
// says so.
template <class Use>
std::pair<std::vector<float>, std::vector<float>> sample_pairs(const std::vector<float>& x, const std::vector<float>& y,
                                                               int w, int h, int samples, Use use) {
  const int step = std::max(1, int(std::sqrt(double(w) * h / std::max(1, samples))));
  std::pair<std::vector<float>, std::vector<float>> out;
  for (int r = step / 2; r < h; r += step)
    for (int c = step / 2; c < w; c += step)
      if (const size_t i = size_t(r) * size_t(w) + size_t(c); std::isfinite(x[i]) && std::isfinite(y[i]) && use(i))
        out.first.push_back(x[i]), out.second.push_back(y[i]);
  return out;
}

// Deming regression: x_noise = 0 is ordinary least squares of y on x, 1 orthogonal regression.
LinearFit least_squares(std::span<const float> x, std::span<const float> y, const std::vector<char>& keep,
                        double x_noise) {
  double n = 0, mx = 0, my = 0;
  for (size_t i = 0; i < x.size(); ++i)
    if (keep[i]) n += 1, mx += x[i], my += y[i];
  if (n == 0) return {};
  mx /= n, my /= n;
  double sxx = 0, sxy = 0, syy = 0;
  for (size_t i = 0; i < x.size(); ++i)
    if (keep[i]) sxx += (x[i] - mx) * (x[i] - mx), sxy += (x[i] - mx) * (y[i] - my), syy += (y[i] - my) * (y[i] - my);
  if (sxx <= 1e-12 * n * (1 + mx * mx)) return {1.0, my - mx};  // flat x: only a shift is defined
  double a = sxy / sxx;
  if (x_noise > 0 && sxy != 0) {
    const double d = x_noise * syy - sxx;
    a = (d + std::sqrt(d * d + 4 * x_noise * sxy * sxy)) / (2 * x_noise * sxy);
  }
  return {a, my - a * mx};
}

// How much noisier a frame is than the reference (variance ratio, for the fit's x_noise): a mean
// of w frames has 1/w of one frame's variance; at the cap, (w·ref + new) / (w + 1) settles at
// 1/(2·history − 1).
double noise_ratio(const std::vector<float>& weight, int history) {
  double sum = 0;
  size_t n = 0;
  for (float w : weight)
    if (w > 0) sum += w < float(history) ? double(w) : 2.0 * history - 1, ++n;
  return n ? sum / double(n) : 1.0;
}

// How the photo changed since the previous frame: the camera's translation, then per pixel the
// blurred luminance change once the exposure is matched (NaN where the moved previous frame does
// not reach), and its mean.
struct PhotoChange {
  int dx = 0, dy = 0;
  std::vector<float> change;
  double mean = 0;
};

PhotoChange photo_change(const std::vector<float>& prev, const std::vector<float>& cur, int w, int h,
                         int max_translation, int samples) {
  PhotoChange c;
  std::tie(c.dx, c.dy) = estimate_translation(prev, cur, w, h, max_translation);
  const std::vector<float> ref = translate(prev, w, h, c.dx, c.dy, kNaN);
  const auto [ref_l, cur_l] = sample_pairs(ref, cur, w, h, samples, [](size_t) { return true; });
  const LinearFit exposure = robust_linear_fit(ref_l, cur_l);
  c.change.resize(cur.size());
  double sum = 0;
  size_t covered = 0;
  for (size_t i = 0; i < cur.size(); ++i) {
    c.change[i] = float(std::abs(cur[i] - (exposure.scale * ref[i] + exposure.shift)));
    if (std::isfinite(c.change[i])) sum += c.change[i], ++covered;
  }
  c.mean = covered ? sum / double(covered) : 1.0;
  return c;
}

double static_fraction(const std::vector<float>& change, float threshold) {
  return double(std::count_if(change.begin(), change.end(), [&](float v) { return v < threshold; })) /
         double(change.size());
}

}  // namespace

LinearFit robust_linear_fit(std::span<const float> x, std::span<const float> y, int trim_rounds, double x_noise) {
  if (x.size() != y.size()) throw std::invalid_argument("robust_linear_fit: x and y differ in length");
  std::vector<char> keep(x.size(), 1);
  std::vector<float> residual(x.size());
  for (int round = 0;; ++round) {
    const LinearFit fit = least_squares(x, y, keep, x_noise);
    if (round >= trim_rounds || x.empty()) return fit;
    for (size_t i = 0; i < x.size(); ++i) residual[i] = float(std::abs(fit.scale * x[i] + fit.shift - y[i]));
    std::vector<float> sorted = residual;
    std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
    const double limit = 2.5 * 1.4826 * sorted[sorted.size() / 2];
    if (!(limit > 0)) return fit;  // most pairs fit exactly
    for (size_t i = 0; i < x.size(); ++i) keep[i] = residual[i] <= limit;
  }
}

Stabiliser::Stabiliser(const StabiliserOptions& options) : options_(options) {
  if (options.history < 1) throw std::invalid_argument("temporal stabiliser: history must be at least 1 frame");
  if (!(options.motion_threshold > 0)) throw std::invalid_argument("temporal stabiliser: motion_threshold must be > 0");
}

void Stabiliser::reset() {
  output_ = {};
  luma_.clear(), histogram_.clear(), weight_.clear();
}

DepthMap Stabiliser::start(std::vector<float> luma, std::vector<float> histogram, const DepthMap& depth) {
  width_ = depth.width, height_ = depth.height;
  luma_ = std::move(luma), histogram_ = std::move(histogram);
  output_ = depth;
  weight_.assign(depth.values.size(), 1.0f);
  for (size_t i = 0; i < weight_.size(); ++i)
    if (!std::isfinite(depth.values[i])) weight_[i] = 0;
  recent_change_ = -1;
  last_ = {.reset = true};
  return depth;
}

bool Stabiliser::is_cut(double mean_change, const std::vector<float>& histogram) const {
  if (histogram_distance(histogram, histogram_) > options_.cut_histogram) return true;
  return recent_change_ >= 0 && mean_change > options_.cut_ratio * recent_change_ &&
         mean_change > options_.cut_min_change;
}

DepthMap Stabiliser::push(const Image& photo, const DepthMap& depth) {
  check_inputs(photo, depth);
  const int w = photo.width, h = photo.height;
  std::vector<float> luma = box_mean(luminance(photo), w, h, options_.blur_radius);
  std::vector<float> hist = histogram(luma);
  if (output_.values.empty() || w != width_ || h != height_) return start(std::move(luma), std::move(hist), depth);
  const PhotoChange c = photo_change(luma_, luma, w, h, options_.max_translation, options_.fit_samples);
  if (is_cut(c.mean, hist)) return start(std::move(luma), std::move(hist), depth);

  // Scale + shift of this frame's depth onto the reference, over the pixels that did not move.
  const std::vector<float> ref_depth = translate(output_.values, w, h, c.dx, c.dy, kNaN);
  const std::vector<float> ref_weight = translate(weight_, w, h, c.dx, c.dy, 0.0f);
  const float threshold = options_.motion_threshold;
  auto pairs = sample_pairs(depth.values, ref_depth, w, h, options_.fit_samples,
                            [&](size_t i) { return c.change[i] < threshold; });
  if (pairs.first.size() < kMinStaticSamples)
    pairs = sample_pairs(depth.values, ref_depth, w, h, options_.fit_samples, [](size_t) { return true; });
  const LinearFit fit = robust_linear_fit(pairs.first, pairs.second, 3, noise_ratio(ref_weight, options_.history));
  if (!(fit.scale > 0)) return start(std::move(luma), std::move(hist), depth);  // no sensible alignment

  DepthMap out = blend(depth, fit, c.change, ref_depth, ref_weight);
  last_ = {.scale = fit.scale,
           .shift = fit.shift,
           .dx = c.dx,
           .dy = c.dy,
           .mean_change = c.mean,
           .static_fraction = static_fraction(c.change, threshold)};
  recent_change_ = recent_change_ < 0 ? c.mean : 0.8 * recent_change_ + 0.2 * c.mean;
  luma_ = std::move(luma), histogram_ = std::move(hist), output_ = out;
  return out;
}

// Per pixel: the average of up to `history` frames where the photo is unchanged, the new value
// where it changed (fading between the threshold and twice the threshold).
DepthMap Stabiliser::blend(const DepthMap& depth, const LinearFit& fit, const std::vector<float>& change,
                           const std::vector<float>& ref_depth, const std::vector<float>& ref_weight) {
  DepthMap out{depth.width, depth.height, std::vector<float>(depth.values.size())};
  const float cap = float(options_.history - 1), threshold = options_.motion_threshold;
  const float depth_threshold = options_.depth_threshold;
  for (size_t i = 0; i < out.values.size(); ++i) {
    const float aligned = float(fit.scale * depth.values[i] + fit.shift);
    const float photo_gate = std::isfinite(change[i]) ? std::clamp(2.0f - change[i] / threshold, 0.0f, 1.0f) : 0.0f;
    const float depth_gate = std::clamp(2.0f - std::abs(aligned - ref_depth[i]) / depth_threshold, 0.0f, 1.0f);
    const float gate = photo_gate * depth_gate;
    const float wt = std::isfinite(ref_depth[i]) && std::isfinite(aligned) ? std::min(ref_weight[i], cap) * gate : 0.0f;
    out.values[i] = wt > 0 ? (wt * ref_depth[i] + aligned) / (wt + 1) : aligned;
    weight_[i] = std::isfinite(aligned) ? wt + 1 : 0.0f;
  }
  return out;
}

}  // namespace dv::depth
