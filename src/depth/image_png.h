// PNG decoding with libpng (CRC-checked); used by decode_image for PNG files.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "depth/image.h"

namespace dv::depth {

bool is_png(std::span<const uint8_t> bytes);
// The size in the PNG's header (IHDR), without decoding pixels; throws ImageError when the header
// is damaged. A 0x0 header is reported by libpng as an invalid size.
void png_size(std::span<const uint8_t> bytes, const std::string& name, int* width, int* height);
// 8-bit RGB; throws ImageError naming the file and libpng's reason (e.g. "IHDR: CRC error").
Image decode_png(std::span<const uint8_t> bytes, const std::string& name);

}  // namespace dv::depth
