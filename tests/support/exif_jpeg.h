// JPEGs with an EXIF block the tests choose, made with libexif (stb writes none) and spliced in
// right after SOI as an APP1 segment.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include <libexif/exif-data.h>

#include "depth/export.h"
#include "depth/image.h"

namespace dv::test {

// One tag: SHORT, LONG or RATIONAL (value × 1000 / 1000), one component.
struct ExifValue {
  ExifIfd ifd;
  ExifTag tag;
  ExifFormat format;
  double value;
};

inline void set_value(ExifEntry* entry, const ExifValue& v, ExifByteOrder order) {
  switch (v.format) {
    case EXIF_FORMAT_SHORT: exif_set_short(entry->data, order, ExifShort(v.value)); break;
    case EXIF_FORMAT_LONG: exif_set_long(entry->data, order, ExifLong(v.value)); break;
    default: exif_set_rational(entry->data, order, {ExifLong(v.value * 1000 + 0.5), 1000}); break;
  }
}

// The APP1 segment (marker, length, "Exif\0\0", TIFF) holding exactly `values`.
inline std::vector<uint8_t> exif_app1(const std::vector<ExifValue>& values) {
  constexpr ExifByteOrder kOrder = EXIF_BYTE_ORDER_MOTOROLA;
  ExifData* exif = exif_data_new();
  exif_data_set_byte_order(exif, kOrder);
  for (const ExifValue& v : values) {
    ExifEntry* entry = exif_entry_new();
    entry->tag = v.tag;
    entry->format = v.format;
    entry->components = 1;
    entry->size = exif_format_get_size(v.format);
    entry->data = static_cast<unsigned char*>(std::calloc(1, entry->size));  // libexif's default allocator
    set_value(entry, v, kOrder);
    exif_content_add_entry(exif->ifd[v.ifd], entry);
    exif_entry_unref(entry);
  }
  unsigned char* data = nullptr;
  unsigned int size = 0;
  exif_data_save_data(exif, &data, &size);  // starts with "Exif\0\0"
  // Sized once and copied in (GCC 12 misreads a vector insert after a short initialiser as an overflow).
  std::vector<uint8_t> app1(4 + size_t(size));
  app1[0] = 0xFF;
  app1[1] = 0xE1;
  app1[2] = uint8_t((size + 2) >> 8);
  app1[3] = uint8_t((size + 2) & 0xFF);
  std::copy(data, data + size, app1.begin() + 4);
  std::free(data);
  exif_data_unref(exif);
  return app1;
}

inline std::vector<uint8_t> jpeg_with_exif(const depth::Image& image, const std::vector<ExifValue>& values) {
  std::vector<uint8_t> jpeg = depth::encode_jpeg(image, 95);
  const std::vector<uint8_t> app1 = exif_app1(values);
  jpeg.insert(jpeg.begin() + 2, app1.begin(), app1.end());
  return jpeg;
}

}  // namespace dv::test
