// HEIF decoding with libheif: HEIC (libde265), AVIF (dav1d / aom) and other HEIF images; built
// when DV_HAVE_HEIF (Debian's libheif natively; not yet in the wasm build).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "depth/image.h"

namespace dv::depth {

// The primary image as 8-bit RGB (alpha dropped, > 8 bits reduced), with the file's irot / imir /
// clap applied (HEIF's orientation; its EXIF orientation is ignored, as HEIF readers must, or
// iPhone photos would turn twice). The size is checked against max_pixels before decoding.
// `format` names the file in messages ("HEIC", "AVIF", "HEIF").
Image decode_heif(std::span<const uint8_t> bytes, const std::string& name, const char* format,
                  uint64_t max_pixels);

// The primary image's EXIF, as a TIFF block "Exif\0\0"-prefixed for libexif (depth/exif_tags.h);
// empty when there is none or the file cannot be read.
std::vector<uint8_t> heif_exif_block(std::span<const uint8_t> bytes);

}  // namespace dv::depth
