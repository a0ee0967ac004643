#include "depth/orientation.h"

#include <algorithm>
#include <vector>

#include "depth/exif_tags.h"

namespace dv::depth {

int exif_orientation(std::span<const uint8_t> bytes) { return read_exif_tags(bytes).orientation; }

namespace {
// Where the upright pixel (x, y) is in the stored image (w x h) for each orientation: integer
// pixels for apply_orientation, fractional points for upright_point.
template <class T>
struct Source {
  T x, y;
};
template <class T>
Source<T> source_of(int orientation, T x, T y, T w, T h) {
  switch (orientation) {
    case 2: return {w - 1 - x, y};          // mirrored
    case 3: return {w - 1 - x, h - 1 - y};  // rotated 180°
    case 4: return {x, h - 1 - y};          // mirrored vertically
    case 5: return {y, x};                  // transposed
    case 6: return {y, h - 1 - x};          // needs 90° clockwise
    case 7: return {w - 1 - y, h - 1 - x};  // transverse
    case 8: return {w - 1 - y, x};          // needs 90° counter-clockwise
    default: return {x, y};
  }
}

// The pixels (`channels` values each) of a stored w x h image in upright order.
template <typename T>
std::vector<T> reorient(const std::vector<T>& stored, int w, int h, int channels, int orientation, int* out_w,
                        int* out_h) {
  const bool swaps = orientation >= 5;  // 5..8 exchange width and height
  *out_w = swaps ? h : w;
  *out_h = swaps ? w : h;
  std::vector<T> out(stored.size());
  for (int y = 0; y < *out_h; ++y)
    for (int x = 0; x < *out_w; ++x) {
      const Source<int> s = source_of(orientation, x, y, w, h);
      std::copy_n(&stored[(size_t(s.y) * size_t(w) + size_t(s.x)) * size_t(channels)], channels,
                  &out[(size_t(y) * size_t(*out_w) + size_t(x)) * size_t(channels)]);
    }
  return out;
}

// The orientation that undoes `orientation`: 6 and 8 are each other's inverse, the others their own.
int inverse_orientation(int orientation) { return orientation == 6 ? 8 : orientation == 8 ? 6 : orientation; }
}  // namespace

PixelPoint upright_point(int orientation, PixelPoint stored, int stored_width, int stored_height) {
  if (orientation < 2 || orientation > 8) return stored;
  const bool swaps = orientation >= 5;
  const double upright_width = swaps ? stored_height : stored_width, upright_height = swaps ? stored_width : stored_height;
  // Upright → stored of the inverse orientation, over the upright size, is stored → upright.
  const Source<double> s = source_of(inverse_orientation(orientation), stored.x, stored.y, upright_width, upright_height);
  return {s.x, s.y};
}

Image apply_orientation(const Image& stored, int orientation) {
  if (orientation < 2 || orientation > 8) return stored;
  Image out;
  out.rgb = reorient(stored.rgb, stored.width, stored.height, 3, orientation, &out.width, &out.height);
  return out;
}

DepthMap apply_orientation(const DepthMap& stored, int orientation) {
  if (orientation < 2 || orientation > 8) return stored;
  DepthMap out;
  out.values = reorient(stored.values, stored.width, stored.height, 1, orientation, &out.width, &out.height);
  return out;
}

}  // namespace dv::depth
