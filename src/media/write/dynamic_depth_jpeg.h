// Google Dynamic Depth 1.0 JPEGs: the primary photo with an XMP Device (a camera whose
// Camera:DepthMap links a Container:Directory item) and the depth image appended after the
// primary's EOI, as media/container/dynamic_depth.h reads them back (and exiftool does).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "media/container/dynamic_depth.h"

namespace dv::media {

// An appended item this large is refused before anything is allocated (a 100 MP 16-bit PNG
// stays far below it).
constexpr uint64_t kMaxDepthItemBytes = uint64_t(1) << 30;

// The XMP packet (pugixml): Device:Cameras[0] with Camera:Image → the primary and Camera:DepthMap
// (Format, Near, Far, Units, MeasureType, DepthURI) → the depth item; Device:Container's
// Container:Directory lists Primary (image/jpeg) and Depth (depth_mime, Item:Length).
// Throws std::invalid_argument for a mime other than image/png or image/jpeg, a length of 0 or over
// kMaxDepthItemBytes, or near / far that are not finite with 0 < near < far (RangeInverse) or
// near < far (RangeLinear).
std::string dynamic_depth_xmp(const DepthEncoding& encoding, std::string_view depth_mime, uint64_t depth_length);

// primary_jpeg (anything after its EOI is dropped) with the XMP, then the depth item's bytes.
// Throws std::invalid_argument as dynamic_depth_xmp and insert_xmp do, ContainerError for a
// damaged primary JPEG.
std::vector<uint8_t> write_dynamic_depth_jpeg(std::span<const uint8_t> primary_jpeg, const DepthEncoding& encoding,
                                              std::string_view depth_mime, std::span<const uint8_t> depth_item);

}  // namespace dv::media
