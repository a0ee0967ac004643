// HEIF (HEIC, AVIF) with libheif: the primary image for decode_image, and the depth auxiliary
// image for read_heif_depth. Only built with DV_HAVE_HEIF.
#include "depth/image_heif.h"

#include <algorithm>
#include <cstring>
#include <memory>

#include <libheif/heif.h>

#include "depth/exif_tags.h"
#include "depth/heif_depth.h"
#include "depth/image_format.h"

namespace dv::depth {

namespace {

using Context = std::unique_ptr<heif_context, decltype(&heif_context_free)>;
using Handle = std::unique_ptr<heif_image_handle, decltype(&heif_image_handle_release)>;
using Picture = std::unique_ptr<heif_image, decltype(&heif_image_release)>;
using Options = std::unique_ptr<heif_decoding_options, decltype(&heif_decoding_options_free)>;

// Registers libheif's decoders once (reference counted; never undone: the decoders stay loaded).
void init_libheif() {
  static const heif_error error = heif_init(nullptr);
  (void)error;  // a failed plugin load leaves the built-in decoders; reading then says what is missing
}

std::string reason(const heif_error& e) {
  if (e.code == heif_error_Invalid_input && e.subcode == heif_suberror_End_of_data) return "the file is truncated";
  return e.message;
}

// "<name>: cannot <step> the HEIC (<libheif's reason>)"
[[noreturn]] void fail(const std::string& name, const char* format, const char* step, const heif_error& e) {
  throw ImageError(name + ": cannot " + step + " the " + format + " (" + reason(e) + ")");
}

struct File {
  Context context{nullptr, heif_context_free};
  Handle primary{nullptr, heif_image_handle_release};
};

uint64_t big_endian(const uint8_t* p, int n) {
  uint64_t v = 0;
  for (int k = 0; k < n; ++k) v = v << 8 | p[k];
  return v;
}

// Whether a top-level box runs past the end of the bytes. libheif reports a cut inside the 'meta'
// box as "No 'meta' box": this check lets every cut file say it is truncated.
bool truncated(std::span<const uint8_t> b) {
  for (uint64_t at = 0; at < b.size();) {
    if (b.size() - at < 8) return true;
    uint64_t size = big_endian(&b[at], 4);
    if (size == 1) {  // a 64-bit size follows the type
      if (b.size() - at < 16) return true;
      size = big_endian(&b[at + 8], 8);
    } else if (size == 0) {  // the box runs to the end of the file
      return false;
    }
    if (size < 8) return false;  // corrupt, not cut: libheif says what is wrong
    if (size > b.size() - at) return true;
    at += size;
  }
  return false;
}

// Parses the file's boxes (no pixels yet) and finds its primary image. The bytes must outlive it.
File open_primary(std::span<const uint8_t> bytes, const std::string& name, const char* format) {
  if (truncated(bytes)) throw ImageError(name + ": cannot read the " + format + " (the file is truncated)");
  init_libheif();
  File file;
  file.context.reset(heif_context_alloc());
  if (!file.context) throw ImageError(name + ": out of memory");
  heif_error e = heif_context_read_from_memory_without_copy(file.context.get(), bytes.data(), bytes.size(), nullptr);
  if (e.code != heif_error_Ok) fail(name, format, "read", e);
  heif_image_handle* primary = nullptr;
  e = heif_context_get_primary_image_handle(file.context.get(), &primary);
  file.primary.reset(primary);
  if (e.code != heif_error_Ok) fail(name, format, "read", e);
  return file;
}

// Decodes with the file's transformations (irot, imir, clap) applied, as libheif does by default.
Picture decode(const heif_image_handle* handle, heif_colorspace colorspace, heif_chroma chroma, bool to_8_bits,
               const std::string& name, const char* format, const char* step) {
  const Options options(heif_decoding_options_alloc(), heif_decoding_options_free);
  if (!options) throw ImageError(name + ": out of memory");
  options->convert_hdr_to_8bit = to_8_bits;
  heif_image* image = nullptr;
  const heif_error e = heif_decode_image(handle, &image, colorspace, chroma, options.get());
  Picture picture(image, heif_image_release);
  if (e.code != heif_error_Ok) fail(name, format, step, e);
  return picture;
}

// One channel's rows, without libheif's row padding; bytes_per_sample × channels per pixel.
template <class T>
std::vector<T> plane_samples(const heif_image* image, heif_channel channel, int channels, const std::string& name,
                             int* width, int* height) {
  int stride = 0;
  const uint8_t* data = heif_image_get_plane_readonly(image, channel, &stride);
  *width = heif_image_get_width(image, channel);
  *height = heif_image_get_height(image, channel);
  const size_t row = size_t(std::max(*width, 0)) * size_t(channels);
  if (data == nullptr || *width <= 0 || *height <= 0 || size_t(stride) < row * sizeof(T))
    throw ImageError(name + ": libheif returned no pixels");
  std::vector<T> out(row * size_t(*height));
  for (size_t y = 0; y < size_t(*height); ++y) std::memcpy(&out[y * row], data + y * size_t(stride), row * sizeof(T));
  return out;
}

DepthRepresentation representation_of(heif_depth_representation_type type) {
  switch (type) {
    case heif_depth_representation_type_uniform_inverse_Z: return DepthRepresentation::uniform_inverse_z;
    case heif_depth_representation_type_uniform_disparity: return DepthRepresentation::uniform_disparity;
    case heif_depth_representation_type_uniform_Z: return DepthRepresentation::uniform_z;
    case heif_depth_representation_type_nonuniform_disparity: return DepthRepresentation::nonuniform_disparity;
  }
  return DepthRepresentation::unknown;
}

void read_representation(const heif_image_handle* primary, heif_item_id depth_id, HeifDepth* out) {
  const heif_depth_representation_info* info = nullptr;
  if (!heif_image_handle_get_depth_image_representation_info(primary, depth_id, &info) || info == nullptr) return;
  out->representation = representation_of(info->depth_representation_type);
  if (info->has_z_near) out->z_near = info->z_near;
  if (info->has_z_far) out->z_far = info->z_far;
  if (info->has_d_min) out->d_min = info->d_min;
  if (info->has_d_max) out->d_max = info->d_max;
  heif_depth_representation_info_free(info);
}

}  // namespace

Image decode_heif(std::span<const uint8_t> bytes, const std::string& name, const char* format, uint64_t max_pixels) {
  const File file = open_primary(bytes, name, format);
  // The handle's size is the displayed one (after rotation and cropping), known before decoding.
  check_image_size(name, heif_image_handle_get_width(file.primary.get()), heif_image_handle_get_height(file.primary.get()),
                   max_pixels);
  const Picture picture =
      decode(file.primary.get(), heif_colorspace_RGB, heif_chroma_interleaved_RGB, true, name, format, "decode");
  Image img;
  img.rgb = plane_samples<uint8_t>(picture.get(), heif_channel_interleaved, 3, name, &img.width, &img.height);
  return img;
}

std::optional<HeifDepth> read_heif_depth(std::span<const uint8_t> bytes, const std::string& name, uint64_t max_pixels) {
  const ImageFormat kind = sniff_image_format(bytes);
  if (kind == ImageFormat::other || kind == ImageFormat::webp) return std::nullopt;
  const char* format = image_format_name(kind);
  const File file = open_primary(bytes, name, format);
  heif_item_id id = 0;
  if (!heif_image_handle_has_depth_image(file.primary.get()) ||
      heif_image_handle_get_list_of_depth_image_IDs(file.primary.get(), &id, 1) != 1)
    return std::nullopt;
  heif_image_handle* depth_handle = nullptr;
  const heif_error e = heif_image_handle_get_depth_image_handle(file.primary.get(), id, &depth_handle);
  const Handle handle(depth_handle, heif_image_handle_release);
  if (e.code != heif_error_Ok) fail(name, format, "read the depth image of", e);
  check_image_size(name + " (depth image)", heif_image_handle_get_width(handle.get()),
                   heif_image_handle_get_height(handle.get()), max_pixels);
  const Picture picture = decode(handle.get(), heif_colorspace_monochrome, heif_chroma_monochrome, false, name, format,
                                 "decode the depth image of");
  HeifDepth depth;
  depth.bits = heif_image_get_bits_per_pixel_range(picture.get(), heif_channel_Y);
  if (heif_image_get_bits_per_pixel(picture.get(), heif_channel_Y) > 8)  // stored in 16 bits
    depth.samples = plane_samples<uint16_t>(picture.get(), heif_channel_Y, 1, name, &depth.width, &depth.height);
  else {
    const std::vector<uint8_t> narrow =
        plane_samples<uint8_t>(picture.get(), heif_channel_Y, 1, name, &depth.width, &depth.height);
    depth.samples.assign(narrow.begin(), narrow.end());
  }
  read_representation(file.primary.get(), id, &depth);
  return depth;
}

std::vector<uint8_t> heif_exif_block(std::span<const uint8_t> bytes) {
  const ImageFormat kind = sniff_image_format(bytes);
  if (kind == ImageFormat::other || kind == ImageFormat::webp) return {};
  try {
    const File file = open_primary(bytes, "image", image_format_name(kind));
    heif_item_id id = 0;
    if (heif_image_handle_get_list_of_metadata_block_IDs(file.primary.get(), "Exif", &id, 1) != 1) return {};
    std::vector<uint8_t> item(heif_image_handle_get_metadata_size(file.primary.get(), id));
    if (item.size() < 4 || heif_image_handle_get_metadata(file.primary.get(), id, item.data()).code != heif_error_Ok)
      return {};
    // ISO/IEC 23008-12 Annex A: the item starts with the offset (32-bit big-endian) from its
    // fifth byte to the TIFF header; what lies between is usually "Exif\0\0".
    const uint64_t offset = big_endian(item.data(), 4);
    if (offset > item.size() - 4) return {};
    return prefixed_exif_block(std::span<const uint8_t>(item).subspan(4 + size_t(offset)));
  } catch (const ImageError&) {
    return {};  // a damaged file has no EXIF worth reading; decode_image says what is wrong
  }
}

}  // namespace dv::depth
