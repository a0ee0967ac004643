#include "media/container/xmp.h"

#include "media/container/container_error.h"

namespace dv::media {

namespace {

constexpr XmpNamespace kRdf{"http://www.w3.org/1999/02/22-rdf-syntax-ns#"};

// The URI a prefix stands for at node: the nearest xmlns declaration on it or above it.
std::string_view namespace_uri(pugi::xml_node node, std::string_view prefix) {
  const std::string declaration = prefix.empty() ? std::string("xmlns") : "xmlns:" + std::string(prefix);
  for (; node; node = node.parent())
    if (const pugi::xml_attribute a = node.attribute(declaration.c_str())) return a.value();
  return {};
}

// Whether `qualified` (prefix:local), written on `scope`, means ns:local. The local name is
// compared first: resolving the prefix walks up the tree.
bool means(std::string_view qualified, pugi::xml_node scope, const XmpNamespace& ns, std::string_view local,
           bool is_attribute) {
  const size_t colon = qualified.find(':');
  const bool prefixed = colon != std::string_view::npos;
  if (qualified.substr(prefixed ? colon + 1 : 0) != local) return false;
  if (!prefixed && is_attribute) return false;  // an unprefixed attribute is in no namespace
  return ns.contains(namespace_uri(scope, prefixed ? qualified.substr(0, colon) : std::string_view{}));
}

bool is_element(pugi::xml_node node, const XmpNamespace& ns, std::string_view local) {
  return node.type() == pugi::node_element && means(node.name(), node, ns, local, false);
}

pugi::xml_node child_element(pugi::xml_node parent, const XmpNamespace& ns, std::string_view local) {
  for (const pugi::xml_node child : parent.children())
    if (is_element(child, ns, local)) return child;
  return {};
}

pugi::xml_attribute attribute(pugi::xml_node node, const XmpNamespace& ns, std::string_view local) {
  for (const pugi::xml_attribute a : node.attributes())
    if (means(a.name(), node, ns, local, true)) return a;
  return {};
}

// The node that holds a struct's fields: an element with rdf:parseType="Resource" holds them
// itself; otherwise an rdf:Description inside it does, or the element itself (attribute shorthand).
pugi::xml_node struct_fields(pugi::xml_node element) {
  if (std::string_view(attribute(element, kRdf, "parseType").value()) == "Resource") return element;
  if (const pugi::xml_node description = child_element(element, kRdf, "Description")) return description;
  return element;
}

// An array item as a struct: with qualifiers (rdf:type, ...) its value is in rdf:value.
pugi::xml_node item_value(pugi::xml_node li) {
  const pugi::xml_node fields = struct_fields(li);
  const pugi::xml_node value = child_element(fields, kRdf, "value");
  return value ? struct_fields(value) : fields;
}

std::string trimmed(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  const size_t first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return std::string(text.substr(first, text.find_last_not_of(kSpace) - first + 1));
}

}  // namespace

bool XmpNamespace::contains(std::string_view candidate) const {
  return candidate == uri || (!alternative_uri.empty() && candidate == alternative_uri);
}

std::optional<std::string> XmpNode::property(const XmpNamespace& ns, std::string_view name) const {
  if (const pugi::xml_attribute a = attribute(fields_, ns, name)) return std::string(a.value());
  if (const pugi::xml_node element = child_element(fields_, ns, name)) return trimmed(element.text().get());
  return std::nullopt;
}

std::optional<XmpNode> XmpNode::field(const XmpNamespace& ns, std::string_view name) const {
  if (const pugi::xml_node element = child_element(fields_, ns, name)) return XmpNode(struct_fields(element));
  return std::nullopt;
}

std::vector<XmpNode> XmpNode::array_items() const {
  pugi::xml_node array;
  for (const char* kind : {"Seq", "Bag", "Alt"})
    if ((array = child_element(fields_, kRdf, kind))) break;
  std::vector<XmpNode> items;
  for (const pugi::xml_node li : array.children())
    if (is_element(li, kRdf, "li")) items.emplace_back(item_value(li));
  return items;
}

XmpDocument XmpDocument::parse(std::string_view text, std::string_view what) {
  XmpDocument document;
  document.append(text, what);
  return document;
}

void XmpDocument::append(std::string_view text, std::string_view what) {
  auto packet = std::make_unique<pugi::xml_document>();
  // parse_fragment: XMP files saved by camera apps concatenate packets (several x:xmpmeta roots).
  const pugi::xml_parse_result result =
      packet->load_buffer(text.data(), text.size(), pugi::parse_default | pugi::parse_fragment);
  if (!result)
    throw ContainerError(std::string(what) + " is not well-formed XML: " + result.description() + " at byte " +
                         std::to_string(result.offset));
  packets_.push_back(std::move(packet));
}

std::optional<std::string> XmpDocument::property(const XmpNamespace& ns, std::string_view name) const {
  std::optional<std::string> value;
  for (const auto& packet : packets_) {
    packet->find_node([&](pugi::xml_node node) {
      if (is_element(node, kRdf, "Description")) value = XmpNode(node).property(ns, name);
      return value.has_value();
    });
    if (value) break;
  }
  return value;
}

std::optional<XmpNode> XmpDocument::find(const XmpNamespace& ns, std::string_view name) const {
  for (const auto& packet : packets_)
    if (const pugi::xml_node element = packet->find_node([&](pugi::xml_node node) { return is_element(node, ns, name); }))
      return XmpNode(struct_fields(element));
  return std::nullopt;
}

}  // namespace dv::media
