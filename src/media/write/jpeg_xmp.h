// An XMP packet put into a JPEG as its standard APP1 segment.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace dv::media {

// The most XMP one APP1 segment holds: 65535 bytes less the length field and the namespace header.
constexpr size_t kMaxStandardXmpBytes = 65535 - 2 - 29;

// The JPEG with `xmp` in an APP1 "http://ns.adobe.com/xap/1.0/" segment, placed after the SOI and
// a JFIF / EXIF APP0 / APP1 that open the file (readers look for those first). Throws
// std::invalid_argument when jpeg is not a JPEG or the packet is over kMaxStandardXmpBytes.
std::vector<uint8_t> insert_xmp(std::span<const uint8_t> jpeg, std::string_view xmp);

}  // namespace dv::media
