#include "media/write/dynamic_depth_jpeg.h"

#include <charconv>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include <pugixml.hpp>

#include "media/container/dynamic_depth_namespaces.h"
#include "media/container/jpeg_segments.h"
#include "media/write/jpeg_xmp.h"

namespace dv::media {

namespace {

// Dynamic Depth 1.0's URIs (the writer uses the dd/1.0 spellings throughout).
constexpr const char* kPrimaryUri = "primary_image";
constexpr const char* kDepthUri = "android/depthmap";

// Shortest text that reads back as the same double, whatever the locale.
std::string number(double value) {
  char text[32];
  const auto result = std::to_chars(text, text + sizeof text, value);
  return std::string(text, result.ptr);
}

// The struct of a new rdf:Seq item: parent/array/rdf:Seq/rdf:li/item_name, its fields written as
// attributes (the layout of the GCam's Dynamic Depth XMP).
pugi::xml_node seq_item(pugi::xml_node parent, const char* array, const char* item_name) {
  pugi::xml_node sequence = parent.child(array) ? parent.child(array).child("rdf:Seq") : pugi::xml_node();
  if (!sequence) sequence = parent.append_child(array).append_child("rdf:Seq");
  return sequence.append_child("rdf:li").append_child(item_name);
}

void check(const DepthEncoding& e, std::string_view mime, uint64_t length) {
  if (mime != "image/png" && mime != "image/jpeg")
    throw std::invalid_argument("Dynamic Depth: the depth item must be image/png or image/jpeg, not '" + std::string(mime) + "'");
  if (length == 0 || length > kMaxDepthItemBytes)
    throw std::invalid_argument("Dynamic Depth: a depth item of " + std::to_string(length) + " bytes (1 to " +
                                std::to_string(kMaxDepthItemBytes) + " are written)");
  const bool positive = e.format == DepthFormat::RangeLinear || e.near > 0;
  if (!std::isfinite(e.near) || !std::isfinite(e.far) || !positive || !(e.near < e.far))
    throw std::invalid_argument("Dynamic Depth: near and far must be numbers with " +
                                std::string(e.format == DepthFormat::RangeInverse ? "0 < " : "") + "near < far (they are " +
                                number(e.near) + " and " + number(e.far) + ")");
}

void add_namespaces(pugi::xml_node description) {
  const std::pair<const char*, std::string_view> prefixes[] = {
      {"xmlns:Device", dd::kDevice.uri},       {"xmlns:Camera", dd::kCamera.uri},
      {"xmlns:DepthMap", dd::kDepthMap.uri},   {"xmlns:Image", dd::kImage.uri},
      {"xmlns:Container", dd::kContainer.alternative_uri}, {"xmlns:Item", dd::kItem.alternative_uri},
      {"xmlns:Profile", "http://ns.google.com/photos/dd/1.0/profile/"}};
  for (const auto& [attribute, uri] : prefixes) description.append_attribute(attribute) = std::string(uri).c_str();
}

// Dynamic Depth's DepthPhoto profile: camera 0 has the depth map.
void add_profile(pugi::xml_node device) {
  pugi::xml_node profile = seq_item(device, "Device:Profiles", "Device:Profile");
  profile.append_attribute("Profile:Type") = "DepthPhoto";
  profile.append_child("Profile:CameraIndices").append_child("rdf:Seq").append_child("rdf:li").text() = "0";
}

void add_camera(pugi::xml_node device, const DepthEncoding& e) {
  pugi::xml_node camera = seq_item(device, "Device:Cameras", "Device:Camera");
  camera.append_attribute("Camera:Trait") = "Physical";
  camera.append_child("Camera:Image").append_attribute("Image:ItemURI") = kPrimaryUri;
  pugi::xml_node map = camera.append_child("Camera:DepthMap");
  map.append_attribute("DepthMap:Format") = e.format == DepthFormat::RangeInverse ? "RangeInverse" : "RangeLinear";
  map.append_attribute("DepthMap:Near") = number(e.near).c_str();
  map.append_attribute("DepthMap:Far") = number(e.far).c_str();
  map.append_attribute("DepthMap:Units") = e.units.empty() ? "None" : e.units.c_str();
  map.append_attribute("DepthMap:MeasureType") = e.measure_type.empty() ? "OpticalAxis" : e.measure_type.c_str();
  map.append_attribute("DepthMap:DepthURI") = kDepthUri;
  map.append_attribute("DepthMap:ItemSemantic") = "Depth";
}

void add_directory(pugi::xml_node device, std::string_view depth_mime, uint64_t depth_length) {
  pugi::xml_node container = device.append_child("Device:Container");
  container.append_attribute("rdf:parseType") = "Resource";
  pugi::xml_node primary = seq_item(container, "Container:Directory", "Container:Item");
  primary.append_attribute("Item:Mime") = "image/jpeg";
  primary.append_attribute("Item:Length") = "0";  // the primary image ends at its EOI
  primary.append_attribute("Item:DataURI") = kPrimaryUri;
  pugi::xml_node depth = seq_item(container, "Container:Directory", "Container:Item");
  depth.append_attribute("Item:Mime") = std::string(depth_mime).c_str();
  depth.append_attribute("Item:DataURI") = kDepthUri;
  depth.append_attribute("Item:Length") = std::to_string(depth_length).c_str();
}

}  // namespace

std::string dynamic_depth_xmp(const DepthEncoding& encoding, std::string_view depth_mime, uint64_t depth_length) {
  check(encoding, depth_mime, depth_length);
  pugi::xml_document doc;
  pugi::xml_node meta = doc.append_child("x:xmpmeta");
  meta.append_attribute("xmlns:x") = "adobe:ns:meta/";
  pugi::xml_node rdf = meta.append_child("rdf:RDF");
  rdf.append_attribute("xmlns:rdf") = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
  pugi::xml_node description = rdf.append_child("rdf:Description");
  description.append_attribute("rdf:about") = "";
  add_namespaces(description);
  // Dynamic Depth 1.0's Device: its properties are the description's.
  add_directory(description, depth_mime, depth_length);
  add_profile(description);
  add_camera(description, encoding);
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw | pugi::format_no_declaration);
  return out.str();
}

std::vector<uint8_t> write_dynamic_depth_jpeg(std::span<const uint8_t> primary_jpeg, const DepthEncoding& encoding,
                                              std::string_view depth_mime, std::span<const uint8_t> depth_item) {
  const std::string xmp = dynamic_depth_xmp(encoding, depth_mime, depth_item.size());
  if (!is_jpeg(primary_jpeg)) throw std::invalid_argument("Dynamic Depth: the primary image is not a JPEG");
  const size_t primary_end = read_jpeg_segments(primary_jpeg).primary_end;  // a trailer of its own is dropped
  std::vector<uint8_t> file = insert_xmp(primary_jpeg.first(primary_end), xmp);
  file.insert(file.end(), depth_item.begin(), depth_item.end());
  return file;
}

}  // namespace dv::media
