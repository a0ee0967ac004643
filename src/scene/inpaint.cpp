#include "scene/inpaint.h"

#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <string>

#include "scene/parallel.h"

namespace dv::scene {
namespace {

constexpr float kOverRelaxation = 1.7f;  // SOR factor: converges for any value in (0, 2); 1.7 is quick
constexpr int kCoarsestSide = 16;         // the pyramid stops at this size

struct Level {
  Planes image;
  std::vector<PixelRole> roles;
  std::vector<uint32_t> red, black;  // hole pixels by (x + y) parity: each colour reads only the other
};

void validate(const Planes& image, const std::vector<PixelRole>& roles) {
  if (image.width <= 0 || image.height <= 0 || image.channels <= 0)
    throw std::invalid_argument("inpaint: the image is empty");
  const size_t pixels = size_t(image.width) * size_t(image.height);
  if (image.values.size() != pixels * size_t(image.channels))
    throw std::invalid_argument("inpaint: the image has " + std::to_string(image.values.size()) + " values, not " +
                                std::to_string(pixels * size_t(image.channels)));
  if (roles.size() != pixels)
    throw std::invalid_argument("inpaint: " + std::to_string(roles.size()) + " pixel roles for " +
                                std::to_string(pixels) + " pixels");
}

void index_holes(Level& level) {
  const int w = level.image.width;
  for (size_t i = 0; i < level.roles.size(); ++i)
    if (level.roles[i] == PixelRole::kHole)
      ((int(i % size_t(w)) + int(i / size_t(w))) % 2 ? level.black : level.red).push_back(uint32_t(i));
}

// The next coarser level: a pixel is a source with its known children's mean, else a hole where
// any child is one, else ignored.
Level downsample(const Level& fine) {
  const Planes& f = fine.image;
  const int c = f.channels;
  Level out{{(f.width + 1) / 2, (f.height + 1) / 2, c, {}}, {}, {}, {}};
  out.image.values.assign(size_t(out.image.width) * size_t(out.image.height) * size_t(c), 0.0f);
  out.roles.assign(size_t(out.image.width) * size_t(out.image.height), PixelRole::kIgnore);
  for (int y = 0; y < out.image.height; ++y)
    for (int x = 0; x < out.image.width; ++x) {
      const size_t o = size_t(y) * size_t(out.image.width) + size_t(x);
      int known = 0;
      bool hole = false;
      for (int dy = 0; dy < 2; ++dy)
        for (int dx = 0; dx < 2; ++dx) {
          const int fx = 2 * x + dx, fy = 2 * y + dy;
          if (fx >= f.width || fy >= f.height) continue;
          const size_t i = size_t(fy) * size_t(f.width) + size_t(fx);
          if (fine.roles[i] == PixelRole::kHole) hole = true;
          if (fine.roles[i] != PixelRole::kSource) continue;
          ++known;
          for (int k = 0; k < c; ++k) out.image.values[o * size_t(c) + size_t(k)] += f.values[i * size_t(c) + size_t(k)];
        }
      if (known > 0) {
        out.roles[o] = PixelRole::kSource;
        for (int k = 0; k < c; ++k) out.image.values[o * size_t(c) + size_t(k)] /= float(known);
      } else if (hole) {
        out.roles[o] = PixelRole::kHole;
      }
    }
  index_holes(out);
  return out;
}

// The coarsest level's holes start at the mean of its sources (false: there is none).
bool seed_with_mean(Level& level) {
  const int c = level.image.channels;
  std::vector<double> sum(size_t(c), 0.0);
  size_t n = 0;
  for (size_t i = 0; i < level.roles.size(); ++i)
    if (level.roles[i] == PixelRole::kSource) {
      ++n;
      for (int k = 0; k < c; ++k) sum[size_t(k)] += level.image.values[i * size_t(c) + size_t(k)];
    }
  if (n == 0) return false;
  for (const auto& list : {level.red, level.black})
    for (uint32_t i : list)
      for (int k = 0; k < c; ++k) level.image.values[size_t(i) * size_t(c) + size_t(k)] = float(sum[size_t(k)] / double(n));
  return true;
}

// A finer level's holes start at their parent's value.
void upsample_into(const Level& coarse, Level& fine) {
  const int c = fine.image.channels, w = fine.image.width;
  for (const auto& list : {fine.red, fine.black})
    for (uint32_t i : list) {
      const size_t parent = size_t(int(i / uint32_t(w)) / 2) * size_t(coarse.image.width) + size_t(int(i % uint32_t(w)) / 2);
      for (int k = 0; k < c; ++k)
        fine.image.values[size_t(i) * size_t(c) + size_t(k)] = coarse.image.values[parent * size_t(c) + size_t(k)];
    }
}

// One over-relaxation step on the listed holes towards the mean of their non-ignored neighbours.
// kChannels > 0 fixes the channel count at compile time (the common cases unroll); 0 reads it.
template <int kChannels>
void relax(Level& level, const std::vector<uint32_t>& holes, int threads) {
  Planes& im = level.image;
  const int w = im.width, h = im.height, c = kChannels > 0 ? kChannels : im.channels;
  parallel_ranges(holes.size(), threads, [&](size_t begin, size_t end) {
    float mean[8];
    for (size_t n = begin; n < end; ++n) {
      const size_t i = holes[n];
      const int x = int(i % size_t(w)), y = int(i / size_t(w));
      const size_t neighbours[4] = {x > 0 ? i - 1 : i, x + 1 < w ? i + 1 : i, y > 0 ? i - size_t(w) : i,
                                    y + 1 < h ? i + size_t(w) : i};
      int count = 0;
      std::fill(mean, mean + 8, 0.0f);
      for (size_t j : neighbours) {
        if (j == i || level.roles[j] == PixelRole::kIgnore) continue;
        ++count;
        for (int k = 0; k < c; ++k) mean[k] += im.values[j * size_t(c) + size_t(k)];
      }
      if (count == 0) continue;
      for (int k = 0; k < c; ++k) {
        float& v = im.values[i * size_t(c) + size_t(k)];
        v += kOverRelaxation * (mean[k] / float(count) - v);
      }
    }
  });
}

void relax(Level& level, const std::vector<uint32_t>& holes, int threads) {
  switch (level.image.channels) {
    case 1: return relax<1>(level, holes, threads);
    case 3: return relax<3>(level, holes, threads);
    case 4: return relax<4>(level, holes, threads);
    default: return relax<0>(level, holes, threads);
  }
}

}  // namespace

bool inpaint(Planes& image, const std::vector<PixelRole>& roles, const InpaintOptions& options) {
  validate(image, roles);
  if (image.channels > 8) throw std::invalid_argument("inpaint: at most 8 channels");
  std::vector<Level> pyramid;
  pyramid.push_back({std::move(image), roles, {}, {}});
  index_holes(pyramid[0]);
  while (std::max(pyramid.back().image.width, pyramid.back().image.height) > kCoarsestSide &&
         !pyramid.back().red.empty())
    pyramid.push_back(downsample(pyramid.back()));

  double total = 0, done = 0;
  for (const Level& l : pyramid) total += double(l.red.size() + l.black.size()) * options.sweeps;
  bool cancelled = false;
  const bool any_source = seed_with_mean(pyramid.back());
  for (size_t n = pyramid.size(); any_source && !cancelled && n-- > 0;) {
    Level& level = pyramid[n];
    if (n + 1 < pyramid.size()) upsample_into(pyramid[n + 1], level);
    for (int s = 0; !cancelled && s < options.sweeps; ++s) {
      relax(level, level.red, options.threads);
      relax(level, level.black, options.threads);
      done += double(level.red.size() + level.black.size());
      cancelled = options.progress && !options.progress(float(done / std::max(1.0, total)));
    }
  }
  image = std::move(pyramid[0].image);
  return !cancelled;
}

}  // namespace dv::scene
