// The EXIF tags depthview uses, read with libexif (both builds) from a photo's EXIF block: a
// JPEG's APP1 segment, a WebP's EXIF chunk or a HEIF's Exif item (the last two where the build has
// libwebp / libheif). Missing or malformed tags read as "not stated" (0), never as an error.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace dv::depth {

struct ExifTags {
  int orientation = 1;                    // Orientation 1..8 (1: upright, or not stated)
  double focal_length_mm = 0;             // FocalLength
  double focal_length_35mm = 0;           // FocalLengthIn35mmFilm (EXIF's 0 = unknown)
  double focal_plane_x_resolution = 0;    // FocalPlaneXResolution: pixels per unit on the sensor
  int focal_plane_resolution_unit = 2;    // FocalPlaneResolutionUnit: 2 inch (EXIF's default), 3 cm
  int pixel_x_dimension = 0, pixel_y_dimension = 0;  // PixelX/YDimension: the image the camera wrote
};

// `exif`: what libexif takes, a JPEG's bytes (it finds the APP1 segment) or an "Exif\0\0"-prefixed
// TIFF block. An unreadable block gives the defaults.
ExifTags read_exif_tags(std::span<const uint8_t> exif);

// A bare TIFF-structured EXIF block (a WebP chunk, a HEIF item) with the "Exif\0\0" prefix
// libexif wants, added unless the writer put it there already.
std::vector<uint8_t> prefixed_exif_block(std::span<const uint8_t> tiff);

// The tags of a photo in any format decode_image reads. A HEIF's EXIF orientation is reported as
// 1: HEIF readers ignore it (the file's irot / imir turn the image), as decode_image does.
ExifTags photo_exif_tags(std::span<const uint8_t> photo);

}  // namespace dv::depth
