#include "media/container/dynamic_depth.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <initializer_list>
#include <locale>
#include <sstream>
#include <string_view>

#include "media/container/base64.h"
#include "media/container/container_error.h"
#include "media/container/dynamic_depth_namespaces.h"
#include "media/container/jpeg_segments.h"

namespace dv::media {

namespace {

using namespace dd;  // the namespaces

// A property value in a message: long ones (base64, fuzzed text) are cut.
std::string quoted(std::string_view text) {
  constexpr size_t kShown = 40;
  return "'" + std::string(text.substr(0, kShown)) + (text.size() > kShown ? "...'" : "'");
}

double parse_number(const std::string& text, const std::string& what) {
  std::istringstream in(text);
  in.imbue(std::locale::classic());  // "0.5" whatever the user's locale
  double value = 0;
  in >> value;
  if (in.fail() || !(in >> std::ws).eof() || !std::isfinite(value))
    throw ContainerError(what + " is not a number: " + quoted(text));
  return value;
}

uint64_t parse_count(const std::string& text, const std::string& what) {
  uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty())
    throw ContainerError(what + " is not a byte count: " + quoted(text));
  return value;
}

// Properties is XmpNode (a DepthMap struct) or XmpDocument (GDepth's are spread over the
// standard and the extended packet's rdf:Description).
template <class Properties>
std::string required(const Properties& properties, const XmpNamespace& ns, const std::string& prefix,
                     std::string_view name) {
  if (auto value = properties.property(ns, name)) return *value;
  throw ContainerError("the XMP's depth map has no " + prefix + ":" + std::string(name));
}

template <class Properties>
DepthEncoding read_encoding(const Properties& properties, const XmpNamespace& ns, const std::string& prefix) {
  DepthEncoding encoding;
  const std::string format = required(properties, ns, prefix, "Format");
  if (format == "RangeInverse") {
    encoding.format = DepthFormat::RangeInverse;
  } else if (format == "RangeLinear") {
    encoding.format = DepthFormat::RangeLinear;
  } else {
    throw ContainerError(prefix + ":Format is " + quoted(format) + ", neither RangeInverse nor RangeLinear");
  }
  encoding.near = parse_number(required(properties, ns, prefix, "Near"), prefix + ":Near");
  encoding.far = parse_number(required(properties, ns, prefix, "Far"), prefix + ":Far");
  // RangeInverse divides by values between far and near: both must be positive.
  if (encoding.format == DepthFormat::RangeInverse && !(encoding.near > 0 && encoding.far > 0))
    throw ContainerError(prefix + ":Near and " + prefix + ":Far must be positive for RangeInverse (they are " +
                         std::to_string(encoding.near) + " and " + std::to_string(encoding.far) + ")");
  encoding.units = properties.property(ns, "Units").value_or("");
  encoding.measure_type = properties.property(ns, "MeasureType").value_or("OpticalAxis");
  return encoding;
}

// Writers either put a struct's fields on the array item itself or wrap them in one element
// (<rdf:li><Container:Item .../></rdf:li>): the wrapped struct if there is one.
XmpNode unwrap(const XmpNode& item, const XmpNamespace& ns, std::string_view name) {
  return item.field(ns, name).value_or(item);
}

std::string item_name(const DirectoryEntry& entry, size_t index) {
  if (!entry.semantic.empty()) return entry.semantic;
  if (!entry.data_uri.empty()) return entry.data_uri;
  // (Not "#" + std::to_string(index): GCC 12's -Wrestrict misfires on it at -O3.)
  std::string name = "#";
  name += std::to_string(index);
  return name;
}

std::vector<DirectoryEntry> read_directory(const XmpNode& directory) {
  std::vector<DirectoryEntry> entries;
  for (const XmpNode& li : directory.array_items()) {
    const XmpNode item = unwrap(li, kContainer, "Item");
    DirectoryEntry entry;
    entry.mime = item.property(kItem, "Mime").value_or("");
    entry.semantic = item.property(kItem, "Semantic").value_or("");
    entry.data_uri = item.property(kItem, "DataURI").value_or("");
    const std::string of_item = " of item '" + item_name(entry, entries.size()) + "'";
    if (auto length = item.property(kItem, "Length")) entry.length = parse_count(*length, "the Item:Length" + of_item);
    if (auto padding = item.property(kItem, "Padding")) entry.padding = parse_count(*padding, "the Item:Padding" + of_item);
    entries.push_back(std::move(entry));
  }
  return entries;
}

// The first Device:Cameras entry with a depth map.
std::optional<XmpNode> depth_camera(const XmpDocument& xmp) {
  const std::optional<XmpNode> cameras = xmp.find(kDevice, "Cameras");
  if (!cameras) return std::nullopt;
  for (const XmpNode& item : cameras->array_items()) {
    const XmpNode camera = unwrap(item, kDevice, "Camera");
    if (camera.field(kCamera, "DepthMap")) return camera;
  }
  return std::nullopt;
}

// The first Device:Cameras entry: Dynamic Depth's camera 0, the one that took the primary image.
std::optional<XmpNode> first_camera(const XmpDocument& xmp) {
  const std::optional<XmpNode> cameras = xmp.find(kDevice, "Cameras");
  if (!cameras) return std::nullopt;
  const std::vector<XmpNode> items = cameras->array_items();
  if (items.empty()) return std::nullopt;
  return unwrap(items.front(), kDevice, "Camera");
}

// A required ImagingModel property as a number.
double model_number(const XmpNode& model, std::string_view name) {
  const std::string what = "the XMP's ImagingModel:" + std::string(name);
  const auto value = model.property(kImagingModel, name);
  if (!value) throw ContainerError("the XMP's imaging model has no ImagingModel:" + std::string(name));
  return parse_number(*value, what);
}

// ImageWidth / ImageHeight: whole pixels (the reference library reads them as integers).
uint64_t model_size(const XmpNode& model, std::string_view name) {
  const double value = model_number(model, name);
  if (!(value >= 0 && value <= 1e9 && value == std::floor(value)))
    throw ContainerError("the XMP's ImagingModel:" + std::string(name) + " is not a pixel count: " +
                         std::to_string(value));
  return uint64_t(value);
}

// The directory entry a depth map or image links to: by its URI (Dynamic Depth 1.0's
// Item:DataURI), else by semantic (the Pixel's items have Item:Semantic and no DataURI).
std::optional<size_t> linked_item(const std::vector<DirectoryEntry>& directory, const std::optional<std::string>& uri,
                                  std::initializer_list<std::string_view> semantics) {
  const auto index_where = [&](auto matches) -> std::optional<size_t> {
    for (size_t i = 0; i < directory.size(); ++i)
      if (matches(directory[i])) return i;
    return std::nullopt;
  };
  if (uri && !uri->empty())
    if (auto i = index_where([&](const DirectoryEntry& e) { return e.data_uri == *uri; })) return i;
  for (const std::string_view semantic : semantics)
    if (!semantic.empty())
      if (auto i = index_where([&](const DirectoryEntry& e) { return e.semantic == semantic; })) return i;
  return std::nullopt;
}

void copy_item(const ContainerItem& item, std::string& mime, std::vector<uint8_t>& bytes) {
  mime = item.entry.mime;
  bytes.assign(item.bytes.begin(), item.bytes.end());
}

EmbeddedDepth dynamic_depth(const DynamicDepthDescription& description, std::vector<ContainerItem> items) {
  EmbeddedDepth depth;
  depth.source = DepthSource::DynamicDepth;
  depth.encoding = description.encoding;
  copy_item(items[description.depth_item], depth.depth_mime, depth.depth_image);
  if (description.confidence_item) copy_item(items[*description.confidence_item], depth.confidence_mime, depth.confidence_image);
  if (description.image_item) copy_item(items[*description.image_item], depth.image_mime, depth.image);
  depth.items = std::move(items);
  return depth;
}

template <class Sample>
std::vector<float> to_unit_range(std::span<const Sample> samples, float full_scale) {
  std::vector<float> values(samples.size());
  std::transform(samples.begin(), samples.end(), values.begin(), [&](Sample v) { return float(v) / full_scale; });
  return values;
}

// The photo's XMP: the standard packet and, when it names one, the extended packet.
std::optional<XmpDocument> read_photo_xmp(const JpegSegments& segments) {
  if (!segments.standard_xmp) return std::nullopt;
  XmpDocument xmp = XmpDocument::parse(*segments.standard_xmp, "the photo's XMP");
  // Only the standard packet may name the extended one: look before adding it.
  if (const auto guid = xmp.property(kXmpNote, "HasExtendedXMP"))
    xmp.append(join_extended_xmp(segments.extended_xmp, *guid), "the photo's extended XMP");
  return xmp;
}

}  // namespace

std::optional<DynamicDepthDescription> describe_dynamic_depth(const XmpDocument& xmp) {
  const std::optional<XmpNode> directory = xmp.find(kContainer, "Directory");
  const std::optional<XmpNode> camera = depth_camera(xmp);
  if (!directory || !camera) return std::nullopt;
  const XmpNode depth_map = *camera->field(kCamera, "DepthMap");
  DynamicDepthDescription description;
  description.directory = read_directory(*directory);
  description.encoding = read_encoding(depth_map, kDepthMap, "DepthMap");

  const auto depth_uri = depth_map.property(kDepthMap, "DepthURI");
  const auto depth_semantic = depth_map.property(kDepthMap, "ItemSemantic").value_or("");
  const auto depth_item = linked_item(description.directory, depth_uri, {depth_semantic, "Depth"});
  if (!depth_item)
    throw ContainerError("the XMP's depth map (DepthMap:DepthURI " + quoted(depth_uri.value_or("")) +
                         ") links to no item of the container directory");
  description.depth_item = *depth_item;
  description.confidence_item = linked_item(description.directory, depth_map.property(kDepthMap, "ConfidenceURI"), {"Confidence"});
  if (const auto image = camera->field(kCamera, "Image"))
    description.image_item = linked_item(description.directory, image->property(kImage, "ItemURI"),
                                         {image->property(kImage, "ItemSemantic").value_or("")});
  return description;
}

std::optional<ImagingModel> describe_imaging_model(const XmpDocument& xmp) {
  const std::optional<XmpNode> camera = first_camera(xmp);
  const std::optional<XmpNode> node = camera ? camera->field(kCamera, "ImagingModel") : std::nullopt;
  if (!node) return std::nullopt;
  ImagingModel model;
  model.focal_length_x = model_number(*node, "FocalLengthX");
  model.focal_length_y = model_number(*node, "FocalLengthY");
  model.image_width = model_size(*node, "ImageWidth");
  model.image_height = model_size(*node, "ImageHeight");
  if (node->property(kImagingModel, "PrincipalPointX") && node->property(kImagingModel, "PrincipalPointY")) {
    model.principal_point_x = model_number(*node, "PrincipalPointX");
    model.principal_point_y = model_number(*node, "PrincipalPointY");
  }
  if (node->property(kImagingModel, "PixelAspectRatio"))
    model.pixel_aspect_ratio = model_number(*node, "PixelAspectRatio");
  return model;
}

std::optional<ImagingModel> read_imaging_model(std::span<const uint8_t> file) {
  if (!is_jpeg(file)) return std::nullopt;
  const std::optional<XmpDocument> xmp = read_photo_xmp(read_jpeg_segments(file));
  return xmp ? describe_imaging_model(*xmp) : std::nullopt;
}

std::vector<ContainerItem> locate_container_items(const std::vector<DirectoryEntry>& directory,
                                                  std::span<const uint8_t> file, size_t primary_end) {
  std::vector<ContainerItem> items;
  if (directory.empty()) return items;
  items.push_back({directory[0], 0, file.first(primary_end)});
  // Each step stays within file.size() + file.size(): no overflow whatever the XMP claims.
  uint64_t next = primary_end + std::min<uint64_t>(directory[0].padding, file.size());
  for (size_t i = 1; i < directory.size(); ++i) {
    const DirectoryEntry& entry = directory[i];
    const std::string name = item_name(entry, i);
    if (!entry.length) throw ContainerError("the XMP gives no Item:Length for item '" + name + "'");
    const uint64_t left = next < file.size() ? file.size() - next : 0;
    if (*entry.length > left)
      throw ContainerError("the XMP says item '" + name + "' is " + std::to_string(*entry.length) + " bytes but only " +
                           std::to_string(left) + " bytes follow " +
                           (i == 1 ? std::string("the photo") : "item '" + item_name(directory[i - 1], i - 1) + "'"));
    const size_t offset = size_t(std::min<uint64_t>(next, file.size()));  // past the end only when empty
    items.push_back({entry, offset, file.subspan(offset, size_t(*entry.length))});
    next += *entry.length + std::min<uint64_t>(entry.padding, file.size());
  }
  return items;
}

std::optional<EmbeddedDepth> read_gdepth(const XmpDocument& xmp) {
  const auto data = xmp.property(kGDepth, "Data");
  if (!data && !xmp.property(kGDepth, "Format")) return std::nullopt;
  if (!data) throw ContainerError("the XMP has GDepth:Format but no GDepth:Data (the depth map itself)");
  EmbeddedDepth depth;
  depth.source = DepthSource::GDepth;
  depth.encoding = read_encoding(xmp, kGDepth, "GDepth");
  depth.depth_mime = xmp.property(kGDepth, "Mime").value_or("");
  depth.depth_image = decode_base64(*data, "GDepth:Data");
  if (depth.depth_image.empty()) throw ContainerError("GDepth:Data is empty");
  if (const auto confidence = xmp.property(kGDepth, "Confidence")) {
    depth.confidence_mime = xmp.property(kGDepth, "ConfidenceMime").value_or("");
    depth.confidence_image = decode_base64(*confidence, "GDepth:Confidence");
  }
  if (const auto image = xmp.property(kGImage, "Data")) {
    depth.image_mime = xmp.property(kGImage, "Mime").value_or("");
    depth.image = decode_base64(*image, "GImage:Data");
  }
  return depth;
}

std::optional<EmbeddedDepth> read_embedded_depth(std::span<const uint8_t> file) {
  if (!is_jpeg(file)) return std::nullopt;  // PNG, HEIC, ...: nothing this library reads
  const JpegSegments segments = read_jpeg_segments(file);
  const std::optional<XmpDocument> xmp = read_photo_xmp(segments);
  if (!xmp) return std::nullopt;
  if (const auto description = describe_dynamic_depth(*xmp))
    return dynamic_depth(*description, locate_container_items(description->directory, file, segments.primary_end));
  return read_gdepth(*xmp);
}

double depth_from_normalized(double normalized, const DepthEncoding& encoding) {
  const double near = encoding.near, far = encoding.far;
  switch (encoding.format) {
    case DepthFormat::RangeInverse: return far * near / (far - normalized * (far - near));
    case DepthFormat::RangeLinear: return normalized * (far - near) + near;
  }
  return near;
}

std::vector<float> depth_from_normalized(std::span<const float> normalized, const DepthEncoding& encoding) {
  std::vector<float> depth(normalized.size());
  std::transform(normalized.begin(), normalized.end(), depth.begin(),
                 [&](float dn) { return float(depth_from_normalized(dn, encoding)); });
  return depth;
}

std::vector<float> normalized_samples(std::span<const uint8_t> samples) { return to_unit_range(samples, 255.0f); }

std::vector<float> normalized_samples(std::span<const uint16_t> samples) { return to_unit_range(samples, 65535.0f); }

}  // namespace dv::media
