// What every photo decoder shares: the format told from its first bytes (no decoding library
// needed, so a build without one can still name the format it lacks), and the size limit.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace dv::depth {

enum class ImageFormat { other, webp, heic, avif, heif };

// WebP: "RIFF" size "WEBP". HEIF family: an ISO BMFF 'ftyp' box whose major or compatible brands
// name a HEIF image brand (HEIC for HEVC, AVIF for AV1, HEIF for the generic mif1/msf1/miaf).
// Anything else (JPEG, PNG, an MP4 video…) is `other`.
ImageFormat sniff_image_format(std::span<const uint8_t> bytes);

// "WebP", "HEIC", "AVIF", "HEIF" (for messages).
const char* image_format_name(ImageFormat format);

// Throws ImageError "<name>: the image is WxH (N MP), more than the limit of M MP" when
// width * height exceeds max_pixels, and "<name>: the image is empty" when a side is not positive.
void check_image_size(const std::string& name, int64_t width, int64_t height, uint64_t max_pixels);

// Throws ImageError "<name>: HEIC support is not in this build" (the wasm build has no libheif or
// libwebp yet).
[[noreturn]] void refuse_unbuilt_format(const std::string& name, ImageFormat format);

}  // namespace dv::depth
