// WebP decoding with libwebp (lossy, lossless, alpha, animation's first frame); built when
// DV_HAVE_WEBP (Debian's libwebp natively; not yet in the wasm build).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "depth/image.h"

namespace dv::depth {

// 8-bit RGB (alpha dropped, as for PNG), upright by the EXIF chunk's orientation if there is one.
// The size is checked against max_pixels from the header (WebPGetFeatures) before decoding.
Image decode_webp(std::span<const uint8_t> bytes, const std::string& name, uint64_t max_pixels);

// The EXIF chunk, "Exif\0\0"-prefixed for libexif (depth/exif_tags.h); empty when there is none.
std::vector<uint8_t> webp_exif_block(std::span<const uint8_t> bytes);

}  // namespace dv::depth
