#include "depth/image.h"

#include <climits>
#include <cstdint>
#include <fstream>
#include <memory>
#include <stdexcept>

#include "depth/image_format.h"
#include "depth/image_png.h"
#include "depth/orientation.h"
#if DV_HAVE_HEIF
#include "depth/image_heif.h"
#endif
#if DV_HAVE_WEBP
#include "depth/image_webp.h"
#endif

#define STB_IMAGE_IMPLEMENTATION
#define STBI_FAILURE_USERMSG
#include <stb/stb_image.h>

namespace dv::depth {

namespace {

// Sizes every decoder here takes (stb and libpng count bytes in an int).
void check_file(std::span<const uint8_t> bytes, const std::string& name) {
  if (bytes.empty()) throw ImageError(name + ": the file is empty");
  if (bytes.size() > size_t(INT32_MAX)) throw ImageError(name + ": the file is larger than 2 GB");
}

// Refuses, from the header alone, what stb / libpng cannot decode or is too large (before any
// pixel is allocated). stb cannot tell an unknown format from a header too large for it (> 1 GiB
// of pixels): one message covers both.
void check_header(std::span<const uint8_t> bytes, const std::string& name, uint64_t max_pixels) {
  check_file(bytes, name);
  int w = 0, h = 0, channels = 0;
  if (is_png(bytes)) png_size(bytes, name, &w, &h);  // libpng: exact sizes beyond stb's 1 GiB, CRC-checked
  else if (!stbi_info_from_memory(bytes.data(), int(bytes.size()), &w, &h, &channels))
    throw ImageError(name +
                     ": not a supported image (JPEG, PNG, WebP, HEIC, AVIF, BMP, GIF, PNM, TGA, PSD, HDR), or its "
                     "header is corrupt or claims a size too large to decode");
  check_image_size(name, w, h, max_pixels);
}

// WebP and the HEIF family, by their own libraries; a build without one names what it lacks.
Image decode_with_library([[maybe_unused]] std::span<const uint8_t> bytes, const std::string& name, ImageFormat format,
                          [[maybe_unused]] uint64_t max_pixels) {
  if (format == ImageFormat::webp) {
#if DV_HAVE_WEBP
    return decode_webp(bytes, name, max_pixels);
#endif
  } else {
#if DV_HAVE_HEIF
    return decode_heif(bytes, name, image_format_name(format), max_pixels);
#endif
  }
  refuse_unbuilt_format(name, format);
}

// Debian bookworm's stb returns 16-bit PGM/PPM samples byte-swapped (PNM is big-endian) and
// converts their channel count as if they were 8-bit (both fixed upstream later): such files are
// decoded at 16 bits in their own channel count and fixed here.
bool is_pnm16(std::span<const uint8_t> bytes) {
  return bytes.size() > 2 && bytes[0] == 'P' && (bytes[1] == '5' || bytes[1] == '6') &&
         stbi_is_16_bit_from_memory(bytes.data(), int(bytes.size()));
}

using Pixels16 = std::unique_ptr<stbi_us, void (*)(void*)>;

// Decodes at 16 bits; *channels is the requested count, or 0 for the file's own (set on return).
Pixels16 load16(std::span<const uint8_t> bytes, const std::string& name, int* channels, int* w, int* h) {
  int stored = 0;
  Pixels16 pixels(stbi_load_16_from_memory(bytes.data(), int(bytes.size()), w, h, &stored, *channels), stbi_image_free);
  if (!pixels) throw ImageError(name + ": cannot decode (" + stbi_failure_reason() + ")");
  if (*channels == 0) *channels = stored;
  if (is_pnm16(bytes)) {
    const size_t n = size_t(*w) * size_t(*h) * size_t(*channels);
    for (size_t i = 0; i < n; ++i) pixels.get()[i] = stbi_us((pixels.get()[i] >> 8) | (pixels.get()[i] << 8));
  }
  return pixels;
}

}  // namespace

Image decode_image(std::span<const uint8_t> bytes, const std::string& name, uint64_t max_pixels) {
  check_file(bytes, name);
  if (const ImageFormat format = sniff_image_format(bytes); format != ImageFormat::other)
    return decode_with_library(bytes, name, format, max_pixels);
  check_header(bytes, name, max_pixels);
  if (is_png(bytes)) return decode_png(bytes, name);
  Image img;
  if (is_pnm16(bytes)) {
    int channels = 0;  // 1 (PGM) or 3 (PPM)
    const Pixels16 pixels = load16(bytes, name, &channels, &img.width, &img.height);
    img.rgb.resize(size_t(img.width) * size_t(img.height) * 3);
    for (size_t i = 0; i < img.rgb.size(); ++i) img.rgb[i] = uint8_t(pixels.get()[channels == 3 ? i : i / 3] >> 8);
    return img;
  }
  int channels = 0;
  std::unique_ptr<stbi_uc, void (*)(void*)> pixels(
      stbi_load_from_memory(bytes.data(), int(bytes.size()), &img.width, &img.height, &channels, 3), stbi_image_free);
  if (!pixels) throw ImageError(name + ": cannot decode (" + stbi_failure_reason() + ")");
  img.rgb.assign(pixels.get(), pixels.get() + size_t(img.width) * size_t(img.height) * 3);
  pixels.reset();
  return apply_orientation(img, exif_orientation(bytes));
}

Grey16 decode_grey16(std::span<const uint8_t> bytes, const std::string& name, uint64_t max_pixels) {
  check_file(bytes, name);
  if (const ImageFormat format = sniff_image_format(bytes); format != ImageFormat::other)
    throw ImageError(name + ": a " + image_format_name(format) +
                     " file cannot be read as a 16-bit grey image (use PNG or PGM)");
  check_header(bytes, name, max_pixels);
  Grey16 grey;
  int channels = is_pnm16(bytes) ? 0 : 1;
  const Pixels16 pixels = load16(bytes, name, &channels, &grey.width, &grey.height);
  if (channels != 1) throw ImageError(name + ": expected a single-channel (grey) image");
  grey.values.assign(pixels.get(), pixels.get() + size_t(grey.width) * size_t(grey.height));
  grey.stored_bits = stbi_is_16_bit_from_memory(bytes.data(), int(bytes.size())) ? 16 : 8;
  return grey;
}

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ImageError(path + ": cannot open the file");
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), {});
}

void validate(const Image& image, const char* what) {
  if (image.width <= 0 || image.height <= 0 || image.rgb.size() != size_t(image.width) * size_t(image.height) * 3)
    throw std::invalid_argument(std::string(what) + ": " + std::to_string(image.width) + "x" +
                                std::to_string(image.height) + " with " + std::to_string(image.rgb.size()) +
                                " bytes is not a valid RGB image");
}

Image load_image(const std::string& path, uint64_t max_pixels) {
  return decode_image(read_file(path), path, max_pixels);
}

}  // namespace dv::depth
