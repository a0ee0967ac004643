// PNG decoding with libpng: unlike stb it checks every chunk's CRC, so a damaged PNG is reported
// instead of silently decoded. Output is 8-bit RGB like the rest of image.cpp.
#include "depth/image_png.h"

#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <cstring>

#include <png.h>

namespace dv::depth {

namespace {

struct Source {
  std::span<const uint8_t> bytes;
  size_t pos = 0;
  char message[256] = "", warning[128] = "";
};

void read_bytes(png_structp png, png_bytep out, size_t n) {
  auto* src = static_cast<Source*>(png_get_io_ptr(png));
  if (n > src->bytes.size() - src->pos) png_error(png, "the file is truncated");
  std::memcpy(out, src->bytes.data() + src->pos, n);
  src->pos += n;
}

void on_error(png_structp png, png_const_charp message) {
  auto* src = static_cast<Source*>(png_get_error_ptr(png));
  // libpng explains some errors in a warning just before ("Image width is zero in IHDR").
  std::snprintf(src->message, sizeof src->message, "%s%s%s", message, src->warning[0] ? ": " : "", src->warning);
  png_longjmp(png, 1);
}

// Warnings alone are harmless (e.g. unknown ancillary chunks): kept only to explain an error.
void on_warning(png_structp png, png_const_charp message) {
  auto* src = static_cast<Source*>(png_get_error_ptr(png));
  if (!src->warning[0]) std::snprintf(src->warning, sizeof src->warning, "%s", message);
}

// libpng reports errors by longjmp: everything with a destructor lives in the caller, so the
// jump skips nothing.
bool read(png_structp png, png_infop info, Image* img, std::vector<png_bytep>* rows) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_read_info(png, info);
  png_set_expand(png);        // palette, grey < 8 bits, tRNS → 8-bit channels
  png_set_scale_16(png);      // 16 → 8 bits, rounded
  png_set_strip_alpha(png);   // as stb with 3 channels: alpha is dropped, not composited
  png_set_gray_to_rgb(png);
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  img->width = int(png_get_image_width(png, info));
  img->height = int(png_get_image_height(png, info));
  img->rgb.resize(size_t(img->width) * size_t(img->height) * 3);
  rows->resize(size_t(img->height));
  for (size_t y = 0; y < rows->size(); ++y) (*rows)[y] = &img->rgb[y * size_t(img->width) * 3];
  png_read_image(png, rows->data());
  png_read_end(png, nullptr);
  return true;
}

bool read_size(png_structp png, png_infop info, int* width, int* height) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_read_info(png, info);
  *width = int(std::min<png_uint_32>(png_get_image_width(png, info), 0x7FFFFFFF));
  *height = int(std::min<png_uint_32>(png_get_image_height(png, info), 0x7FFFFFFF));
  return true;
}

}  // namespace

void png_size(std::span<const uint8_t> bytes, const std::string& name, int* width, int* height) {
  Source src{bytes};
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &src, on_error, on_warning);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  bool ok = false;
  if (info) {
    png_set_read_fn(png, &src, read_bytes);
    png_set_user_limits(png, 0x7FFFFFFF, 0x7FFFFFFF);  // the pixel limit is ours (kMaxImagePixels)
    ok = read_size(png, info, width, height);
  }
  png_destroy_read_struct(&png, &info, nullptr);
  if (!ok)
    throw ImageError(name + ": cannot decode the PNG (" + (src.message[0] ? src.message : "out of memory") + ")");
}

bool is_png(std::span<const uint8_t> bytes) { return bytes.size() >= 8 && png_sig_cmp(bytes.data(), 0, 8) == 0; }

Image decode_png(std::span<const uint8_t> bytes, const std::string& name) {
  Source src{bytes};
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &src, on_error, on_warning);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  Image img;
  std::vector<png_bytep> rows;
  bool ok = false;
  if (info) {
    png_set_read_fn(png, &src, read_bytes);
    ok = read(png, info, &img, &rows);
  }
  png_destroy_read_struct(&png, &info, nullptr);
  if (!ok)
    throw ImageError(name + ": cannot decode the PNG (" + (src.message[0] ? src.message : "out of memory") + ")");
  return img;
}

}  // namespace dv::depth
