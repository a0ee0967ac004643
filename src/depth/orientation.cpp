#include "depth/orientation.h"

#include <algorithm>
#include <memory>
#include <vector>

#include <libexif/exif-data.h>

namespace dv::depth {

int exif_orientation(std::span<const uint8_t> bytes) {
  // libexif takes an unsigned int size; a photo over 4 GB is refused earlier anyway.
  if (bytes.size() < 4 || bytes.size() > 0xFFFFFFFFu) return 1;
  std::unique_ptr<ExifData, void (*)(ExifData*)> exif(exif_data_new_from_data(bytes.data(), unsigned(bytes.size())),
                                                      exif_data_unref);
  if (!exif) return 1;
  ExifEntry* entry = exif_data_get_entry(exif.get(), EXIF_TAG_ORIENTATION);
  if (entry == nullptr || entry->format != EXIF_FORMAT_SHORT || entry->size < 2) return 1;
  const int value = exif_get_short(entry->data, exif_data_get_byte_order(exif.get()));
  return value >= 1 && value <= 8 ? value : 1;
}

namespace {
// Where the upright pixel (x, y) is in the stored image (w x h) for each orientation.
struct Source {
  int x, y;
};
Source source_of(int orientation, int x, int y, int w, int h) {
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
      const Source s = source_of(orientation, x, y, w, h);
      std::copy_n(&stored[(size_t(s.y) * size_t(w) + size_t(s.x)) * size_t(channels)], channels,
                  &out[(size_t(y) * size_t(*out_w) + size_t(x)) * size_t(channels)]);
    }
  return out;
}
}  // namespace

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
