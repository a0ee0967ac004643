#include "depth/image_format.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <string_view>

#include "depth/image.h"

namespace dv::depth {

namespace {

bool is_webp(std::span<const uint8_t> b) {
  return b.size() >= 12 && std::memcmp(b.data(), "RIFF", 4) == 0 && std::memcmp(b.data() + 8, "WEBP", 4) == 0;
}

// The codec a HEIF brand names; `other` for brands that are not HEIF images (isom, mp42…).
ImageFormat brand_format(std::string_view brand) {
  constexpr std::array<std::string_view, 8> hevc{"heic", "heix", "heim", "heis", "hevc", "hevx", "hevm", "hevs"};
  constexpr std::array<std::string_view, 2> av1{"avif", "avis"};
  constexpr std::array<std::string_view, 4> generic{"mif1", "msf1", "mif2", "miaf"};
  if (std::find(hevc.begin(), hevc.end(), brand) != hevc.end()) return ImageFormat::heic;
  if (std::find(av1.begin(), av1.end(), brand) != av1.end()) return ImageFormat::avif;
  if (std::find(generic.begin(), generic.end(), brand) != generic.end()) return ImageFormat::heif;
  return ImageFormat::other;
}

// The ftyp box: size, "ftyp", major brand, minor version, compatible brands up to its size. A
// codec brand anywhere wins over the generic ones (some phones write major "mif1", compatible
// "heic").
ImageFormat heif_format(std::span<const uint8_t> b) {
  if (b.size() < 16 || std::memcmp(b.data() + 4, "ftyp", 4) != 0) return ImageFormat::other;
  const uint32_t box = uint32_t(b[0]) << 24 | uint32_t(b[1]) << 16 | uint32_t(b[2]) << 8 | b[3];
  const size_t end = std::min<size_t>(b.size(), box < 16 ? 16 : box);
  ImageFormat found = ImageFormat::other;
  for (size_t at = 8; at + 4 <= end; at += at == 8 ? 8 : 4) {  // skips the minor version after the major brand
    const ImageFormat f = brand_format({reinterpret_cast<const char*>(b.data() + at), 4});
    if (f == ImageFormat::heic || f == ImageFormat::avif) return f;
    if (f == ImageFormat::heif) found = f;
  }
  return found;
}

}  // namespace

ImageFormat sniff_image_format(std::span<const uint8_t> bytes) {
  if (is_webp(bytes)) return ImageFormat::webp;
  return heif_format(bytes);
}

const char* image_format_name(ImageFormat format) {
  switch (format) {
    case ImageFormat::webp: return "WebP";
    case ImageFormat::heic: return "HEIC";
    case ImageFormat::avif: return "AVIF";
    case ImageFormat::heif: return "HEIF";
    default: return "image";
  }
}

void check_image_size(const std::string& name, int64_t width, int64_t height, uint64_t max_pixels) {
  const std::string size = std::to_string(width) + "x" + std::to_string(height);
  if (width <= 0 || height <= 0) throw ImageError(name + ": the image is empty (" + size + ")");
  const uint64_t pixel_count = uint64_t(width) * uint64_t(height);
  if (pixel_count > max_pixels)
    throw ImageError(name + ": the image is " + size + " (" + std::to_string(pixel_count / 1'000'000) +
                     " MP), more than the limit of " + std::to_string(max_pixels / 1'000'000) + " MP");
}

void refuse_unbuilt_format(const std::string& name, ImageFormat format) {
  throw ImageError(name + ": " + image_format_name(format) + " support is not in this build");
}

}  // namespace dv::depth
