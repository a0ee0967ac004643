#include "depth/orientation.h"

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
  const bool swaps = orientation >= 5;  // 5..8 exchange width and height
  Image out;
  out.width = swaps ? stored.height : stored.width;
  out.height = swaps ? stored.width : stored.height;
  out.rgb.resize(stored.rgb.size());
  for (int y = 0; y < out.height; ++y)
    for (int x = 0; x < out.width; ++x) {
      const Source<int> s = source_of(orientation, x, y, stored.width, stored.height);
      const size_t from = (size_t(s.y) * size_t(stored.width) + size_t(s.x)) * 3;
      const size_t to = (size_t(y) * size_t(out.width) + size_t(x)) * 3;
      out.rgb[to] = stored.rgb[from];
      out.rgb[to + 1] = stored.rgb[from + 1];
      out.rgb[to + 2] = stored.rgb[from + 2];
    }
  return out;
}

}  // namespace dv::depth
