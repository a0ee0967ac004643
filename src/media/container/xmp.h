// XMP (RDF/XML) read with pugixml: properties looked up by namespace URI and local name, because
// the prefixes differ between writers, in either of RDF's spellings (attribute or element), plus
// structs and ordered arrays (rdf:Seq / rdf:Bag / rdf:Alt).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pugixml.hpp>

namespace dv::media {

// A namespace by URI. Some Google schemas were published under two URIs (the camera app's
// container namespace and Dynamic Depth's): alternative_uri names the second one.
struct XmpNamespace {
  std::string_view uri;
  std::string_view alternative_uri = {};
  bool contains(std::string_view candidate) const;
};

// A struct in the XMP tree: its fields are its attributes and its child elements.
class XmpNode {
 public:
  explicit XmpNode(pugi::xml_node fields) : fields_(fields) {}

  // A simple field ns:name: an attribute (ns:name="v") or a child element (<ns:name>v</ns:name>,
  // surrounding white space trimmed).
  std::optional<std::string> property(const XmpNamespace& ns, std::string_view name) const;
  // A struct-valued field ns:name.
  std::optional<XmpNode> field(const XmpNamespace& ns, std::string_view name) const;
  // The items of this node's array (rdf:Seq, rdf:Bag or rdf:Alt child), each as a struct: the
  // rdf:li itself, its rdf:value when the item has qualifiers, or its rdf:Description.
  std::vector<XmpNode> array_items() const;

 private:
  pugi::xml_node fields_;
};

class XmpDocument {
 public:
  // Parses one XMP packet, or several concatenated (a photo's standard and extended XMP); `what`
  // names it in the ContainerError thrown when it is not well-formed XML.
  static XmpDocument parse(std::string_view text, std::string_view what);
  // Adds another packet (the extended XMP) to look properties up in.
  void append(std::string_view text, std::string_view what);

  // A simple property of the first rdf:Description that has it.
  std::optional<std::string> property(const XmpNamespace& ns, std::string_view name) const;
  // The first element ns:name anywhere in the packets (in document order), as a struct.
  std::optional<XmpNode> find(const XmpNamespace& ns, std::string_view name) const;

 private:
  // Each packet in its own document; behind pointers so XmpNodes stay valid when this moves.
  std::vector<std::unique_ptr<pugi::xml_document>> packets_;
};

}  // namespace dv::media
