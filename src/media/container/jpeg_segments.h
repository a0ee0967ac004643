// A JPEG's marker segments, as far as embedded depth needs them: the XMP packets of its APP1
// segments and where the primary image ends (Dynamic Depth items are appended after it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dv::media {

// One APP1 "http://ns.adobe.com/xmp/extension/" segment: a piece of the Extended XMP packet.
struct ExtendedXmpChunk {
  std::string guid;            // 32 characters, the MD5 the standard XMP names in xmpNote:HasExtendedXMP
  uint32_t full_length = 0;    // of the whole extended packet
  uint32_t offset = 0;         // of this chunk in it
  std::string_view data;       // into the file
  size_t segment_offset = 0;   // of the segment's marker in the file (messages)
};

struct JpegSegments {
  std::optional<std::string_view> standard_xmp;  // the first "http://ns.adobe.com/xap/1.0/" packet, into the file
  std::vector<ExtendedXmpChunk> extended_xmp;    // every extended chunk, in file order, whatever its GUID
  size_t primary_end = 0;                        // just past the primary image's EOI marker
};

// Starts with the SOI marker (FF D8 FF): a JPEG as far as read_jpeg_segments is concerned.
bool is_jpeg(std::span<const uint8_t> file);

// Walks the marker segments from SOI through the scans to the first EOI. Throws ContainerError for
// a file that is not a JPEG, a segment that runs past the end of the file, a short extended XMP
// header or image data without an EOI marker.
JpegSegments read_jpeg_segments(std::span<const uint8_t> file);

// The Extended XMP packet the GUID names: its chunks (others are ignored) put together by offset.
// Throws ContainerError unless they cover the packet's announced length exactly once.
std::string join_extended_xmp(const std::vector<ExtendedXmpChunk>& chunks, std::string_view guid);

}  // namespace dv::media
