// The camera's own depth map embedded in a phone JPEG: Google Dynamic Depth (items appended after
// the primary image, described by a Container:Directory and a Camera:DepthMap in the XMP) and the
// older GDepth of Lens Blur (a base64 depth image in the Extended XMP). Images stay encoded here:
// callers decode them (depth/image.h) and turn their samples into depth with the functions below.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "media/container/xmp.h"

namespace dv::media {

// How normalised depth-map values dn in [0, 1] (v/255 for 8-bit samples, v/65535 for 16-bit) map
// to depth; both give near at dn = 0 and far at dn = 1.
enum class DepthFormat {
  RangeInverse,  // depth = far·near / (far − dn·(far − near)): steps even in 1/depth
  RangeLinear,   // depth = dn·(far − near) + near
};

struct DepthEncoding {
  DepthFormat format = DepthFormat::RangeLinear;
  double near = 0, far = 0;  // in `units`
  std::string units;         // Dynamic Depth's DepthMap:Units ("Meters", "Diopters", "None"); GDepth has none
  std::string measure_type;  // "OpticalAxis" (distance along the axis, the default) or "OpticalRay"
};

// A Container:Directory entry, as the XMP states it.
struct DirectoryEntry {
  std::string mime, semantic, data_uri;  // Item:Mime, Item:Semantic, Item:DataURI ("" when absent)
  std::optional<uint64_t> length;        // Item:Length; the primary image (first entry) needs none
  uint64_t padding = 0;                  // Item:Padding: bytes between the item and the next one
};

// What the XMP says about Dynamic Depth, before the file's bytes are looked at.
struct DynamicDepthDescription {
  std::vector<DirectoryEntry> directory;  // [0] is the primary image
  DepthEncoding encoding;
  size_t depth_item = 0;  // indices into directory
  std::optional<size_t> confidence_item;
  std::optional<size_t> image_item;  // the depth camera's colour image (Pixel: the un-blurred 'Original')
};

// A directory entry located in the file.
struct ContainerItem {
  DirectoryEntry entry;
  size_t offset = 0;               // in the file
  std::span<const uint8_t> bytes;  // the item exactly (its padding left out), inside the file passed in
};

enum class DepthSource { DynamicDepth, GDepth };

struct EmbeddedDepth {
  DepthSource source = DepthSource::DynamicDepth;
  DepthEncoding encoding;
  std::string depth_mime;            // e.g. "image/jpeg", "image/png"
  std::vector<uint8_t> depth_image;  // the encoded depth map, byte for byte as stored
  std::string confidence_mime;
  std::vector<uint8_t> confidence_image;  // empty when there is none
  std::string image_mime;
  std::vector<uint8_t> image;        // the colour image the depth belongs to (Camera:Image, GImage:Data); may be empty
  std::vector<ContainerItem> items;  // Dynamic Depth: the whole directory, [0] the primary image
};

// The camera's depth in a photo's bytes: Dynamic Depth if its XMP describes it, else GDepth.
// nullopt for a photo without embedded depth (including any file that is not a JPEG). Throws
// ContainerError when the JPEG, its XMP or the items it describes are damaged or inconsistent.
std::optional<EmbeddedDepth> read_embedded_depth(std::span<const uint8_t> file);

// Dynamic Depth in XMP alone: nullopt when there is no Container:Directory or no camera with a
// Camera:DepthMap. Throws ContainerError for bad properties or a depth map linked to no item.
std::optional<DynamicDepthDescription> describe_dynamic_depth(const XmpDocument& xmp);

// Dynamic Depth 1.0's Camera:ImagingModel: a camera's pinhole model as the XMP states it, in
// pixels of image_width × image_height (the Android reference library's reading; the Pixel writes
// pixels). Skew and the distortion coefficients are not kept: depthview's cameras are pinholes.
struct ImagingModel {
  double focal_length_x = 0, focal_length_y = 0;                  // ImagingModel:FocalLengthX / Y
  std::optional<double> principal_point_x, principal_point_y;    // both or neither; absent: the centre
  uint64_t image_width = 0, image_height = 0;                     // ImagingModel:ImageWidth / Height
  double pixel_aspect_ratio = 1;                                  // ImagingModel:PixelAspectRatio (w / h)
};

// The imaging model of the first Device:Cameras entry (the camera of the primary image). nullopt
// when there is no camera or it has no Camera:ImagingModel. Throws ContainerError when the model
// lacks FocalLengthX / Y or ImageWidth / Height, or a value is not a number.
std::optional<ImagingModel> describe_imaging_model(const XmpDocument& xmp);
// The same from a photo's bytes: nullopt for a file that is not a JPEG or has no XMP. Throws
// ContainerError like describe_imaging_model, and for a damaged JPEG or XMP.
std::optional<ImagingModel> read_imaging_model(std::span<const uint8_t> file);

// The directory's items in the file: the primary image up to primary_end (its EOI), then each
// item in directory order, Item:Length bytes long, after the previous one and its padding. The
// lengths alone place them (MPF offsets can be stale). Throws ContainerError for an item that
// claims more bytes than follow.
std::vector<ContainerItem> locate_container_items(const std::vector<DirectoryEntry>& directory,
                                                  std::span<const uint8_t> file, size_t primary_end);

// GDepth (Lens Blur) in XMP alone: nullopt without GDepth:Format or GDepth:Data. The depth image
// (and GImage:Data, GDepth:Confidence) are decoded from base64.
std::optional<EmbeddedDepth> read_gdepth(const XmpDocument& xmp);

// Depth for a normalised value, in the units of near and far (metres where Units is "Meters").
double depth_from_normalized(double normalized, const DepthEncoding& encoding);
std::vector<float> depth_from_normalized(std::span<const float> normalized, const DepthEncoding& encoding);

// Normalised values dn of depth-map samples: v / 255 and v / 65535.
std::vector<float> normalized_samples(std::span<const uint8_t> samples);
std::vector<float> normalized_samples(std::span<const uint16_t> samples);

}  // namespace dv::media
