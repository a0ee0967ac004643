#include "depth/exif_tags.h"

#include <algorithm>
#include <cstddef>
#include <memory>

#include <libexif/exif-data.h>

#include "depth/image_format.h"
#if DV_HAVE_HEIF
#include "depth/image_heif.h"
#endif
#if DV_HAVE_WEBP
#include "depth/image_webp.h"
#endif

namespace dv::depth {

namespace {

using Exif = std::unique_ptr<ExifData, void (*)(ExifData*)>;

// A tag's first value as a number (SHORT, LONG or RATIONAL); 0 when absent, of another type,
// short, or a rational over 0.
double number(ExifData* exif, ExifTag tag) {
  const ExifEntry* e = exif_data_get_entry(exif, tag);
  if (e == nullptr || e->data == nullptr || e->components < 1) return 0;
  const unsigned size = exif_format_get_size(e->format);
  if (size == 0 || e->size < size) return 0;
  const ExifByteOrder order = exif_data_get_byte_order(exif);
  switch (e->format) {
    case EXIF_FORMAT_SHORT: return exif_get_short(e->data, order);
    case EXIF_FORMAT_LONG: return exif_get_long(e->data, order);
    case EXIF_FORMAT_RATIONAL: {
      const ExifRational r = exif_get_rational(e->data, order);
      return r.denominator != 0 ? double(r.numerator) / r.denominator : 0;
    }
    default: return 0;
  }
}

// A count-like tag: a positive whole number that fits an int, else `otherwise`.
int whole(ExifData* exif, ExifTag tag, int otherwise) {
  const double v = number(exif, tag);
  return v >= 1 && v <= 1e9 && v == double(int(v)) ? int(v) : otherwise;
}

}  // namespace

ExifTags read_exif_tags(std::span<const uint8_t> bytes) {
  ExifTags tags;
  // libexif takes an unsigned int size; a photo over 4 GB is refused earlier anyway.
  if (bytes.size() < 4 || bytes.size() > 0xFFFFFFFFu) return tags;
  const Exif exif(exif_data_new_from_data(bytes.data(), unsigned(bytes.size())), exif_data_unref);
  if (!exif) return tags;
  const int orientation = whole(exif.get(), EXIF_TAG_ORIENTATION, 1);
  tags.orientation = orientation <= 8 ? orientation : 1;
  tags.focal_length_mm = number(exif.get(), EXIF_TAG_FOCAL_LENGTH);
  tags.focal_length_35mm = number(exif.get(), EXIF_TAG_FOCAL_LENGTH_IN_35MM_FILM);
  tags.focal_plane_x_resolution = number(exif.get(), EXIF_TAG_FOCAL_PLANE_X_RESOLUTION);
  tags.focal_plane_resolution_unit = whole(exif.get(), EXIF_TAG_FOCAL_PLANE_RESOLUTION_UNIT, 2);
  tags.pixel_x_dimension = whole(exif.get(), EXIF_TAG_PIXEL_X_DIMENSION, 0);
  tags.pixel_y_dimension = whole(exif.get(), EXIF_TAG_PIXEL_Y_DIMENSION, 0);
  return tags;
}

std::vector<uint8_t> prefixed_exif_block(std::span<const uint8_t> tiff) {
  static constexpr uint8_t kPrefix[6] = {'E', 'x', 'i', 'f', 0, 0};
  const size_t prefix = tiff.size() >= 6 && std::equal(kPrefix, kPrefix + 6, tiff.begin()) ? 0 : 6;
  // Sized once and copied in (GCC 12 misreads a vector insert after an assign as an overread).
  std::vector<uint8_t> block(prefix + tiff.size());
  std::copy(kPrefix, kPrefix + prefix, block.begin());
  std::copy(tiff.begin(), tiff.end(), block.begin() + std::ptrdiff_t(prefix));
  return block;
}

ExifTags photo_exif_tags(std::span<const uint8_t> photo) {
  switch (sniff_image_format(photo)) {
    case ImageFormat::other: return read_exif_tags(photo);  // JPEG; PNG and the rest have none libexif finds
    case ImageFormat::webp:
#if DV_HAVE_WEBP
      return read_exif_tags(webp_exif_block(photo));
#else
      return {};
#endif
    default: {
#if DV_HAVE_HEIF
      ExifTags tags = read_exif_tags(heif_exif_block(photo));
      tags.orientation = 1;
      return tags;
#else
      return {};
#endif
    }
  }
}

}  // namespace dv::depth
