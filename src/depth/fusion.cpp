#include "depth/fusion.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <limits>
#include <stdexcept>

namespace dv::depth {

DepthMap model_inverse_depth(const DepthMap& model_output, OutputKind kind, int width, int height) {
  DepthMap map = resize(model_output, width, height);
  to_inverse_depth(map, kind);
  return map;
}

// ---- nearest valid pixel (exact Euclidean distance transform) ----------------------------------

namespace {

bool valid(float v) { return v > 0 && std::isfinite(v); }

// For each pixel, the nearest valid row of its own column (-1: the column has none).
std::vector<int32_t> nearest_in_columns(const DepthMap& m) {
  const int w = m.width, h = m.height;
  std::vector<int32_t> row(size_t(w) * size_t(h), -1);
  for (int x = 0; x < w; ++x) {
    int32_t last = -1;
    for (int y = 0; y < h; ++y) {
      if (valid(m.values[size_t(y) * size_t(w) + size_t(x)])) last = y;
      row[size_t(y) * size_t(w) + size_t(x)] = last;
    }
    int32_t next = -1;
    for (int y = h - 1; y >= 0; --y) {
      int32_t& r = row[size_t(y) * size_t(w) + size_t(x)];
      if (valid(m.values[size_t(y) * size_t(w) + size_t(x)])) next = y;
      if (next >= 0 && (r < 0 || next - y < y - r)) r = next;
    }
  }
  return row;
}

}  // namespace

NearestSamples nearest_samples(const DepthMap& sparse) {
  validate(sparse, "nearest samples");
  const int w = sparse.width, h = sparse.height;
  const std::vector<int32_t> col_row = nearest_in_columns(sparse);
  NearestSamples out{w, h, std::vector<int32_t>(size_t(w) * size_t(h), -1),
                     std::vector<float>(size_t(w) * size_t(h), std::numeric_limits<float>::infinity())};
  // Per row, the lower envelope of the parabolas (x − q)² + f(q), f(q) = squared column distance.
  const size_t n = static_cast<size_t>(w);
  std::vector<double> f(n), z(n + 1);
  std::vector<int> v(n);
  for (int y = 0; y < h; ++y) {
    const auto* rows = &col_row[size_t(y) * size_t(w)];
    for (int q = 0; q < w; ++q) f[size_t(q)] = rows[q] < 0 ? -1.0 : double(y - rows[q]) * double(y - rows[q]);
    const auto meet = [&](int q, int p) {
      return ((f[size_t(q)] + double(q) * q) - (f[size_t(p)] + double(p) * p)) / (2.0 * (q - p));
    };
    int k = -1;
    for (int q = 0; q < w; ++q) {
      if (f[size_t(q)] < 0) continue;  // this column has no sample
      if (k < 0) {
        k = 0, v[0] = q, z[0] = -INFINITY, z[1] = INFINITY;
        continue;
      }
      double s = meet(q, v[size_t(k)]);
      while (s <= z[size_t(k)]) s = meet(q, v[size_t(--k)]);
      ++k, v[size_t(k)] = q, z[size_t(k)] = s, z[size_t(k) + 1] = INFINITY;
    }
    if (k < 0) continue;  // no sample anywhere
    for (int x = 0, j = 0; x < w; ++x) {
      while (z[size_t(j) + 1] < x) ++j;
      const int q = v[size_t(j)];
      const size_t i = size_t(y) * size_t(w) + size_t(x);
      out.index[i] = rows[q] * w + q;
      out.distance[i] = float(std::sqrt(double(x - q) * (x - q) + f[size_t(q)]));
    }
  }
  return out;
}

DepthMap fill_nearest(const DepthMap& sparse) {
  const NearestSamples nearest = nearest_samples(sparse);
  DepthMap out{sparse.width, sparse.height, std::vector<float>(sparse.values.size(), 0.0f)};
  for (size_t i = 0; i < out.values.size(); ++i)
    if (nearest.index[i] >= 0) out.values[i] = sparse.values[size_t(nearest.index[i])];
  return out;
}

// ---- global fit --------------------------------------------------------------------------------

namespace {

struct Sample {
  int32_t pixel;
  double x, y;  // model inverse depth, sensor inverse depth (1 / metres)
};

std::vector<Sample> collect_samples(const DepthMap& sensor, const DepthMap& model) {
  std::vector<Sample> s;
  for (size_t i = 0; i < sensor.values.size(); ++i)
    if (valid(sensor.values[i]) && std::isfinite(model.values[i]))
      s.push_back({int32_t(i), double(model.values[i]), 1.0 / sensor.values[i]});
  return s;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  const auto mid = v.begin() + std::ptrdiff_t(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  return *mid;
}

// Tukey biweight IRLS on r = (s x + t) / y − 1: relative error, so a far sample weighs like a near one.
LineFit robust_fit(const std::vector<Sample>& all, size_t* inliers) {
  // Evenly strided subset: the fit needs thousands of samples, not a dense map's millions.
  const size_t stride = std::max<size_t>(1, all.size() / 50000);
  std::vector<double> x, y, w, base;
  for (size_t i = 0; i < all.size(); i += stride)
    x.push_back(all[i].x), y.push_back(all[i].y), base.push_back(1.0 / (all[i].y * all[i].y));
  w = base;
  LineFit fit = fit_line(x, y, w);
  std::vector<double> r(x.size());
  for (int iter = 0; iter < 15 && fit.scale > 0; ++iter) {
    for (size_t i = 0; i < x.size(); ++i) r[i] = (fit.scale * x[i] + fit.shift) / y[i] - 1.0;
    std::vector<double> abs_r(r.size());
    for (size_t i = 0; i < r.size(); ++i) abs_r[i] = std::abs(r[i]);
    const double c = 4.685 * std::max(1.4826 * median(abs_r), 1e-3);
    for (size_t i = 0; i < x.size(); ++i) {
      const double u = r[i] / c;
      w[i] = std::abs(u) < 1 ? base[i] * (1 - u * u) * (1 - u * u) : 0.0;
    }
    const LineFit next = fit_line(x, y, w);
    if (!(next.scale > 0)) break;
    const bool settled = std::abs(next.scale - fit.scale) <= 1e-9 * std::abs(fit.scale) && std::abs(next.shift - fit.shift) <= 1e-12;
    fit = next;
    if (settled) break;
  }
  if (!(fit.scale > 0)) {
    // The model disagrees with the sensor's ordering: keep its shape, scaled by the median ratio.
    std::vector<double> ratio;
    for (size_t i = 0; i < x.size(); ++i)
      if (x[i] > 0) ratio.push_back(y[i] / x[i]);
    fit = {ratio.empty() ? 0.0 : median(ratio), ratio.empty() ? median(y) : 0.0};
  }
  *inliers = 0;
  for (size_t i = 0; i < x.size(); ++i) *inliers += std::abs((fit.scale * x[i] + fit.shift) / y[i] - 1.0) < 0.1 ? stride : 0;
  return fit;
}

}  // namespace

// ---- local correction: a bilateral grid over (x, y, log depth) --------------------------------

namespace {

// Sums of weight · correction and of weight per cell, splatted and sliced trilinearly (Chen, Paris,
// Durand 2007). Cells: `cell` pixels across, `range_cell` in log depth.
class BilateralGrid {
 public:
  BilateralGrid(int width, int height, float cell, float g_min, float g_max, float range_cell, float prior)
      : prior_(prior), cell_(cell), range_cell_(range_cell), g_min_(g_min), nx_(int(float(width - 1) / cell) + 3),
        ny_(int(float(height - 1) / cell) + 3), nz_(int((g_max - g_min) / range_cell) + 3),
        data_(size_t(nx_) * size_t(ny_) * size_t(nz_) * 2, 0.0f) {}

  void splat(int u, int v, float g, float value) {
    corners(u, v, g, [&](size_t i, float wt) { data_[i] += wt * value, data_[i + 1] += wt; });
  }
  // The grid's weighted mean, leaning on `prior` (the coarser level) where it has few samples.
  float slice(int u, int v, float g, float prior) const {
    float num = 0, den = 0;
    corners(u, v, g, [&](size_t i, float wt) { num += wt * data_[i], den += wt * data_[i + 1]; });
    return (num + prior_ * prior) / (den + prior_);
  }
  // [1 2 1] / 4 along each axis: about a Gaussian of one cell, so neighbouring cells share samples.
  void blur() {
    std::vector<float> tmp;
    for (int z = 0; z < nz_; ++z)
      for (int y = 0; y < ny_; ++y) blur_line(index(0, y, z), 2, nx_, tmp);
    for (int z = 0; z < nz_; ++z)
      for (int x = 0; x < nx_; ++x) blur_line(index(x, 0, z), size_t(2) * size_t(nx_), ny_, tmp);
    for (int y = 0; y < ny_; ++y)
      for (int x = 0; x < nx_; ++x) blur_line(index(x, y, 0), size_t(2) * size_t(nx_) * size_t(ny_), nz_, tmp);
  }

 private:

  template <class F>
  void corners(int u, int v, float g, F&& f) const {
    const float gx = float(u) / cell_ + 1, gy = float(v) / cell_ + 1;
    const float gz = std::clamp((g - g_min_) / range_cell_ + 1, 0.0f, float(nz_ - 2));
    const int x0 = int(gx), y0 = int(gy), z0 = int(gz);
    const float fx = gx - float(x0), fy = gy - float(y0), fz = gz - float(z0);
    for (int dz = 0; dz < 2; ++dz)
      for (int dy = 0; dy < 2; ++dy)
        for (int dx = 0; dx < 2; ++dx)
          f(index(x0 + dx, y0 + dy, z0 + dz), (dx ? fx : 1 - fx) * (dy ? fy : 1 - fy) * (dz ? fz : 1 - fz));
  }
  size_t index(int x, int y, int z) const {
    return ((size_t(z) * size_t(ny_) + size_t(y)) * size_t(nx_) + size_t(x)) * 2;
  }
  void blur_line(size_t start, size_t stride, int n, std::vector<float>& tmp) {
    tmp.resize(size_t(n) * 2);
    for (int k = 0; k < n; ++k)
      for (int j = 0; j < 2; ++j) tmp[size_t(k) * 2 + j] = data_[start + size_t(k) * stride + j];
    for (int k = 0; k < n; ++k)
      for (int j = 0; j < 2; ++j) {
        const float left = k > 0 ? tmp[size_t(k - 1) * 2 + j] : 0.0f;
        const float right = k + 1 < n ? tmp[size_t(k + 1) * 2 + j] : 0.0f;
        data_[start + size_t(k) * stride + j] = 0.25f * left + 0.5f * tmp[size_t(k) * 2 + j] + 0.25f * right;
      }
  }

  float prior_, cell_, range_cell_, g_min_;
  int nx_, ny_, nz_;
  std::vector<float> data_;
};

// What the correction works on: the fitted prediction and the samples' log ratios to it.
struct Problem {
  int width = 0, height = 0;
  std::vector<float> log_depth;  // of the fitted prediction, per pixel (the grid's range axis)
  float g_min = 0, g_max = 0, range_cell = 0.15f, prior = 0.2f;
  std::vector<Sample> samples;
  std::vector<float> target;     // log(sensor inverse depth / fitted inverse depth), per sample
  std::vector<double> fitted;    // fitted inverse depth per sample
  float depth_min = 0, depth_max = 0;  // the samples' range
};

// Cell sizes coarse to fine: half the image down to 2 pixels, each half the last (and grids of
// at most 2^23 cells).
std::vector<float> level_cells(const Problem& p) {
  std::vector<float> cells;
  for (float c = float(std::max(p.width, p.height)) / 2; c >= 2.0f; c /= 2) {
    const double n = (p.width / c + 3.0) * (p.height / c + 3.0) * ((p.g_max - p.g_min) / p.range_cell + 3.0);
    if (n > double(1 << 23)) break;
    cells.push_back(c);
  }
  return cells;
}

// One level of the cascade: a grid in the image alone, then one that also splits by depth. The
// first carries the correction across depth bins without samples (a whole layer the sensor
// missed); the second keeps a foreground's correction off the background where both have samples.
struct Level {
  BilateralGrid spatial, layered;
  float slice(int u, int v, float g, float prior) const { return layered.slice(u, v, g, spatial.slice(u, v, g, prior)); }
};

std::vector<Level> build_levels(const Problem& p, const std::vector<float>& cells, size_t levels,
                                const std::vector<uint8_t>* fold, int held_out) {
  std::vector<Level> grids;
  const float whole = p.g_max - p.g_min + 1.0f;  // one bin for every depth
  for (size_t k = 0; k < levels; ++k)
    grids.push_back({BilateralGrid(p.width, p.height, cells[k], p.g_min, p.g_max, whole, p.prior),
                     BilateralGrid(p.width, p.height, cells[k], p.g_min, p.g_max, p.range_cell, p.prior)});
  for (size_t i = 0; i < p.samples.size(); ++i) {
    if (fold && (*fold)[i] == held_out) continue;
    const int32_t px = p.samples[i].pixel;
    const int u = px % p.width, v = px / p.width;
    for (auto& level : grids) {
      level.spatial.splat(u, v, p.log_depth[size_t(px)], p.target[i]);
      level.layered.splat(u, v, p.log_depth[size_t(px)], p.target[i]);
    }
  }
  for (auto& level : grids) level.spatial.blur(), level.layered.blur();
  return grids;
}

// Corrections through levels 0..last at one pixel (coarse to fine, each the prior of the next).
float slice_levels(const std::vector<Level>& grids, size_t last, int u, int v, float g) {
  float c = 0;
  for (size_t k = 0; k < last; ++k) c = grids[k].slice(u, v, g, c);
  return c;
}

// Folds by square tiles of `tile` pixels (twice the typical hole radius): a held-out sample is
// about as far from the kept ones as a hole's pixels are from the sensor, so the choice suits the
// holes to be filled.
std::vector<uint8_t> assign_folds(const Problem& p, int tile, int folds, uint32_t seed) {
  std::vector<uint8_t> fold(p.samples.size());
  for (size_t i = 0; i < fold.size(); ++i) {
    const int x = p.samples[i].pixel % p.width, y = p.samples[i].pixel / p.width;
    const uint32_t tx = uint32_t(x / tile), ty = uint32_t(y / tile);
    uint32_t h = tx * 0x9E3779B1u ^ (ty + 0x7F4A7C15u) * 0x85EBCA77u ^ seed * 0xC2B2AE3Du;
    h ^= h >> 15, h *= 0x2C1B3C6Du, h ^= h >> 12;
    fold[i] = uint8_t(h % uint32_t(folds));
  }
  return fold;
}

// The sample at each pixel (-1: none).
std::vector<int32_t> sample_index(const Problem& p) {
  std::vector<int32_t> at(size_t(p.width) * size_t(p.height), -1);
  for (size_t i = 0; i < p.samples.size(); ++i) at[size_t(p.samples[i].pixel)] = int32_t(i);
  return at;
}

// The final step after the grid levels: the nearest sample's depth, moved by the corrected
// prediction's change from there to here, that change limited to ±limit in log depth: 0 is
// nearest-neighbour filling, infinity trusts the model's shape fully. Returns the log depth.
constexpr float kTransportLimits[] = {0.0f, 0.05f, 0.15f, INFINITY};
constexpr size_t kModes = 1 + std::size(kTransportLimits);  // grid only, or with one of the limits

float transported(float here, int32_t q, const Problem& p, const std::vector<Level>& grids, size_t levels, float limit) {
  const int32_t px = p.samples[size_t(q)].pixel;
  const float g = p.log_depth[size_t(px)];
  const float there = g - slice_levels(grids, levels, px % p.width, px / p.width, g);
  return (g - p.target[size_t(q)]) + std::clamp(here - there, -limit, limit);  // g − target: the sample's log depth
}

struct Choice {
  size_t levels = 0;  // grid levels used
  size_t mode = 0;    // 0: grid only, else 1 + index into kTransportLimits
  double error = 0, global_error = 0;
};

// Log depth at pixel (u, v) by a choice; q: the nearest sample (-1: none).
float predict(const Problem& p, const std::vector<Level>& grids, const Choice& c, int u, int v, int32_t q) {
  const float g = p.log_depth[size_t(v) * size_t(p.width) + size_t(u)];
  const float here = g - slice_levels(grids, c.levels, u, v, g);
  return c.mode == 0 || q < 0 ? here : transported(here, q, p, grids, c.levels, kTransportLimits[c.mode - 1]);
}

// Cross-validated AbsRel of every choice (0..L grid levels × the final step's modes); the best.
Choice cross_validate(const Problem& p, const std::vector<float>& cells, int tile, const FusionOptions& o) {
  const std::vector<uint8_t> fold = assign_folds(p, tile, o.folds, o.seed);
  const std::vector<int32_t> at = sample_index(p);
  const size_t n_levels = cells.size() + 1;
  std::vector<double> err(n_levels * kModes, 0.0);
  size_t n = 0;
  for (int f = 0; f < o.folds; ++f) {
    const std::vector<Level> grids = build_levels(p, cells, cells.size(), &fold, f);
    DepthMap training{p.width, p.height, std::vector<float>(size_t(p.width) * size_t(p.height), 0.0f)};
    for (size_t i = 0; i < p.samples.size(); ++i)
      if (fold[i] != f) training.values[size_t(p.samples[i].pixel)] = 1.0f;
    const NearestSamples nearest = nearest_samples(training);
    for (size_t i = 0; i < p.samples.size(); ++i) {
      if (fold[i] != f) continue;
      const int32_t px = p.samples[i].pixel;
      const int32_t q = nearest.index[size_t(px)] < 0 ? -1 : at[size_t(nearest.index[size_t(px)])];
      const double truth = -std::log(p.samples[i].y);
      for (size_t k = 0; k < n_levels; ++k)
        for (size_t m = 0; m < kModes; ++m)
          err[k * kModes + m] += std::abs(std::exp(predict(p, grids, {k, m}, px % p.width, px / p.width, q) - truth) - 1);
      ++n;
    }
  }
  const size_t best = size_t(std::min_element(err.begin(), err.end()) - err.begin());
  const double scale = 1.0 / double(std::max<size_t>(1, n));
  return {best / kModes, best % kModes, err[best] * scale, err[0] * scale};
}

// The typical distance from an unmeasured pixel to the nearest sample: the median over the
// samples' bounding box (a LiDAR's empty sky is no hole to fill), strided.
float typical_hole_distance(const NearestSamples& nearest, const Problem& p) {
  int x0 = p.width, x1 = 0, y0 = p.height, y1 = 0;
  for (const Sample& s : p.samples) {
    const int x = s.pixel % p.width, y = s.pixel / p.width;
    x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
  }
  std::vector<double> d;
  const int stride = std::max(1, int(std::sqrt(double(x1 - x0 + 1) * (y1 - y0 + 1) / 100000.0)));
  for (int y = y0; y <= y1; y += stride)
    for (int x = x0; x <= x1; x += stride) {
      const float v = nearest.distance[size_t(y) * size_t(p.width) + size_t(x)];
      if (v > 0 && std::isfinite(v)) d.push_back(v);
    }
  return d.empty() ? 1.0f : float(median(d));
}

// 1 at sensor pixels; exp(−distance / reach) elsewhere, lowered where the prediction's depth
// changes by more than a few percent from one pixel to the next (an edge: which side is unsure).
DepthMap confidence_map(const Problem& p, const NearestSamples& nearest, float reach) {
  DepthMap conf{p.width, p.height, std::vector<float>(size_t(p.width) * size_t(p.height))};
  for (int y = 0; y < p.height; ++y)
    for (int x = 0; x < p.width; ++x) {
      const size_t i = size_t(y) * size_t(p.width) + size_t(x);
      if (nearest.distance[i] == 0) {
        conf.values[i] = 1;
        continue;
      }
      float step = 0;
      const float g = p.log_depth[i];
      if (x > 0) step = std::max(step, std::abs(g - p.log_depth[i - 1]));
      if (x + 1 < p.width) step = std::max(step, std::abs(g - p.log_depth[i + 1]));
      if (y > 0) step = std::max(step, std::abs(g - p.log_depth[i - size_t(p.width)]));
      if (y + 1 < p.height) step = std::max(step, std::abs(g - p.log_depth[i + size_t(p.width)]));
      const float edge = 1.0f / (1.0f + (step / 0.05f) * (step / 0.05f));
      conf.values[i] = std::exp(-nearest.distance[i] / reach) * edge;
    }
  return conf;
}

Problem make_problem(const DepthMap& sensor, const DepthMap& model, std::vector<Sample> samples, const LineFit& fit,
                     const FusionOptions& o) {
  Problem p{sensor.width, sensor.height, std::vector<float>(sensor.values.size()), 0, 0, o.range_sigma, o.prior_weight,
            std::move(samples), {}, {}};
  double y_min = INFINITY, y_max = 0;
  for (const Sample& s : p.samples) y_min = std::min(y_min, s.y), y_max = std::max(y_max, s.y);
  // Beyond the measured range the line is an extrapolation: at most twice as near or far.
  const double z_lo = 0.5 * y_min, z_hi = 2.0 * y_max;
  // Filled pixels stay within the measured range widened by δ1's 1.25: beyond it, nothing vouches for
  // the model, and a wrong extrapolation costs more than the clip (AbsRel's heavy tail).
  p.depth_min = float(1.0 / (1.25 * y_max)), p.depth_max = float(1.25 / y_min);
  const auto fitted = [&](double x) { return std::clamp(fit.scale * x + fit.shift, z_lo, z_hi); };
  p.g_min = float(-std::log(z_hi)), p.g_max = float(-std::log(z_lo));
  for (size_t i = 0; i < p.log_depth.size(); ++i)
    p.log_depth[i] = float(-std::log(fitted(std::isfinite(model.values[i]) ? model.values[i] : 0.0)));
  for (const Sample& s : p.samples) {
    p.fitted.push_back(fitted(s.x));
    p.target.push_back(float(std::clamp(std::log(s.y / p.fitted.back()), -2.0, 2.0)));
  }
  return p;
}

}  // namespace

std::string FusionResult::summary() const {
  // Each part is formatted on its own (literal formats: -Wformat-security in the wasm build).
  char part[160];
  std::snprintf(part, sizeof part, "inverse depth = %.4g * model %+.4g (%zu samples, %.0f%% within 10%%)", fit.scale,
                fit.shift, samples, samples ? 100.0 * double(inliers) / double(samples) : 0.0);
  std::string text = part;
  if (correction_cell > 0) {
    std::snprintf(part, sizeof part, "; local correction down to %.0f px cells", double(correction_cell));
    text += part;
  }
  if (transport_limit == 0) text += "; holes take the nearest sample's depth";
  else if (std::isinf(transport_limit)) text += "; the nearest sample's depth moved by the prediction's change";
  else if (transport_limit > 0) {
    std::snprintf(part, sizeof part, "; the nearest sample's depth moved by the prediction's change (within %.2f)",
                  double(transport_limit));
    text += part;
  }
  if (samples == size_t(depth.width) * size_t(depth.height)) return text + "; the sensor measured every pixel: kept as it is";
  if (correction_cell > 0 || transport_limit >= 0)
    std::snprintf(part, sizeof part, " (cross-validated AbsRel %.4f -> %.4f)", cv_global, cv_fused);
  else
    std::snprintf(part, sizeof part, "; no local correction (cross-validated AbsRel %.4f)", cv_global);
  return text + part;
}

FusionResult fuse_depth(const DepthMap& sensor, const DepthMap& model_inverse, const FusionOptions& o) {
  validate(sensor, "sensor depth");
  validate(model_inverse, "model depth");
  if (sensor.width != model_inverse.width || sensor.height != model_inverse.height)
    throw std::invalid_argument("fusion: the sensor map is " + std::to_string(sensor.width) + "x" + std::to_string(sensor.height) +
                                " but the model map " + std::to_string(model_inverse.width) + "x" +
                                std::to_string(model_inverse.height) + " (match_photo_size first)");
  std::vector<Sample> samples = collect_samples(sensor, model_inverse);
  if (samples.size() < kMinFusionSamples)
    throw std::runtime_error("fusion: the sensor depth has " + std::to_string(samples.size()) + " valid pixels, at least " +
                             std::to_string(kMinFusionSamples) + " are needed");
  FusionResult r;
  r.samples = samples.size();
  r.fit = robust_fit(samples, &r.inliers);
  const Problem p = make_problem(sensor, model_inverse, std::move(samples), r.fit, o);
  const NearestSamples nearest = nearest_samples(sensor);
  const float hole = typical_hole_distance(nearest, p);

  // How much correction: the cross-validated best, none when the global fit is better.
  const std::vector<float> cells = level_cells(p);
  Choice choice;
  // A sensor that measured every pixel (a phone's depth map) leaves no hole to fill: the global
  // fit is all that is needed (for the fitted model), the correction would be computed for nothing.
  const bool has_holes = p.samples.size() < sensor.values.size();
  if (has_holes && o.local_correction && o.folds >= 2 && p.samples.size() >= 50 && !cells.empty())
    choice = cross_validate(p, cells, std::max(1, int(std::lround(2 * hole))), o);
  r.cv_global = choice.global_error, r.cv_fused = choice.error;
  r.correction_cell = choice.levels ? cells[choice.levels - 1] : 0.0f;
  r.transport_limit = choice.mode ? kTransportLimits[choice.mode - 1] : -1.0f;
  const std::vector<Level> grids = build_levels(p, cells, choice.levels, nullptr, -1);
  const std::vector<int32_t> at = sample_index(p);

  r.depth = {p.width, p.height, std::vector<float>(sensor.values.size())};
  for (int y = 0; y < p.height; ++y)
    for (int x = 0; x < p.width; ++x) {
      const size_t i = size_t(y) * size_t(p.width) + size_t(x);
      if (valid(sensor.values[i])) {
        r.depth.values[i] = sensor.values[i];
        continue;
      }
      const int32_t q = nearest.index[i] < 0 ? -1 : at[size_t(nearest.index[i])];
      r.depth.values[i] = std::clamp(std::exp(predict(p, grids, choice, x, y, q)), p.depth_min, p.depth_max);
    }
  r.confidence = confidence_map(p, nearest, std::max({r.correction_cell, 2 * hole, 1.0f}));
  return r;
}

}  // namespace dv::depth
