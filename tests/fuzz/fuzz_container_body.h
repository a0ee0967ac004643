// The body of fuzz_container (tests/fuzz/fuzz_container.cpp), shared with the regression test
// that replays its findings (tests/test_dynamic_depth.cpp). Native only for now (pugixml, libb64).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>

#include "media/container/container_error.h"
#include "media/container/dynamic_depth.h"
#include "media/container/jpeg_segments.h"
#include "media/container/xmp.h"

namespace dv::fuzz {

// Every item lies inside the file it was read from.
inline void check_items(const media::EmbeddedDepth& depth, std::span<const uint8_t> file) {
  for (const media::ContainerItem& item : depth.items) {
    if (item.offset > file.size() || item.bytes.size() > file.size() - item.offset) std::abort();
    if (!item.bytes.empty() && item.bytes.data() != file.data() + item.offset) std::abort();
  }
  if (depth.source == media::DepthSource::GDepth && depth.depth_image.empty()) std::abort();
  const float normalized[] = {0.0f, 0.5f, 1.0f};
  if (media::depth_from_normalized(normalized, depth.encoding).size() != 3) std::abort();
}

// Photo bytes -> JPEG segments, Extended XMP reassembly, XMP parsing, Dynamic Depth items and
// imaging model, GDepth base64. Bytes that are not a JPEG are also read as bare XMP text. Any input must give depth
// that lies inside the file, no depth, or one ContainerError: never a crash, leak or hang.
inline int fuzz_container_one(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> file(data, size);
  try {
    if (const auto depth = media::read_embedded_depth(file)) check_items(*depth, file);
  } catch (const media::ContainerError&) {
  }
  try {
    media::read_imaging_model(file);
  } catch (const media::ContainerError&) {
  }
  if (media::is_jpeg(file)) return 0;
  try {
    const auto xmp = media::XmpDocument::parse(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz XMP");
    if (const auto description = media::describe_dynamic_depth(xmp)) {
      if (description->depth_item >= description->directory.size()) std::abort();
      media::locate_container_items(description->directory, file, 0);
    }
    media::describe_imaging_model(xmp);
    media::read_gdepth(xmp);
  } catch (const media::ContainerError&) {
  }
  return 0;
}

}  // namespace dv::fuzz
