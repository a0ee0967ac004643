// Writing depth maps. Each throws std::runtime_error naming the file when it cannot be written.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "depth/image.h"
#include "depth/postprocess.h"

namespace dv::depth {

// 8-bit grey PNG of a [0, 1] map (bright = near).
void write_png8(const std::string& path, const DepthMap& map);
// 16-bit grey PNG of a [0, 1] map (0..65535; libpng), to a file or to memory.
void write_png16(const std::string& path, const DepthMap& map);
std::vector<uint8_t> encode_png16(const DepthMap& map);
// 16-bit grey PNG of samples as they are (e.g. sensor depth units).
std::vector<uint8_t> encode_grey16(const Grey16& image);
// 16-bit grey PNG of a metric map in millimetres (rounded, capped at 65.535 m; ≤ 0 or NaN: 0 = none).
std::vector<uint8_t> encode_png16_millimetres(const DepthMap& metres);
// RGB8 PNG (e.g. a colour-mapped depth image, see colormap.h).
void write_png_rgb(const std::string& path, int width, int height, const std::vector<uint8_t>& rgb);
// The photo as a JPEG (the texture of OBJ/PLY meshes), to a file or to memory.
void write_jpeg(const std::string& path, const Image& photo, int quality = 90);
std::vector<uint8_t> encode_jpeg(const Image& photo, int quality = 90);
// A JPEG of width * height grey samples, e.g. an 8-bit depth map (stb writes it as YCbCr with
// neutral chroma: decoders read it back as grey).
std::vector<uint8_t> encode_grey_jpeg(int width, int height, const std::vector<uint8_t>& grey, int quality = 90);
// Any encoded bytes to a file.
void write_bytes(const std::string& path, const std::vector<uint8_t>& bytes);
// OpenEXR, one float32 channel (tinyexr).
void write_exr(const std::string& path, const DepthMap& map);
// PFM: the float values as they are (one channel, rows bottom to top, little-endian).
void write_pfm(const std::string& path, const DepthMap& map);

}  // namespace dv::depth
