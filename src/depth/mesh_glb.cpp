// GLB output through Debian's tinygltf (implementation compiled in single_header_libs.cpp).
#include <cstring>
#include <stdexcept>

#include <tiny_gltf.h>

#include "depth/mesh.h"

namespace dv::depth {
namespace {

// Appends bytes to the single buffer as a new buffer view (4-byte aligned); returns its index.
int add_view(tinygltf::Model& m, const void* data, size_t size, int target) {
  auto& buf = m.buffers[0].data;
  buf.resize((buf.size() + 3) & ~size_t(3));
  tinygltf::BufferView view;
  view.buffer = 0;
  view.byteOffset = buf.size();
  view.byteLength = size;
  view.target = target;
  buf.insert(buf.end(), static_cast<const uint8_t*>(data), static_cast<const uint8_t*>(data) + size);
  m.bufferViews.push_back(view);
  return int(m.bufferViews.size() - 1);
}

int add_accessor(tinygltf::Model& m, int view, int component, int type, size_t count) {
  tinygltf::Accessor a;
  a.bufferView = view;
  a.componentType = component;
  a.type = type;
  a.count = count;
  m.accessors.push_back(a);
  return int(m.accessors.size() - 1);
}

// One part: its accessors, texture, material, mesh and node (all appended; indices follow).
void add_part(tinygltf::Model& m, const GlbPart& part) {
  const Mesh& mesh = part.mesh;
  const int pos =
      add_accessor(m, add_view(m, mesh.positions.data(), mesh.positions.size() * 12, TINYGLTF_TARGET_ARRAY_BUFFER),
                   TINYGLTF_COMPONENT_TYPE_FLOAT, TINYGLTF_TYPE_VEC3, mesh.positions.size());
  std::vector<double> lo(3, 1e30), hi(3, -1e30);  // glTF requires POSITION bounds
  for (const auto& p : mesh.positions)
    for (size_t k = 0; k < 3; ++k) lo[k] = std::min(lo[k], double(p[k])), hi[k] = std::max(hi[k], double(p[k]));
  m.accessors[size_t(pos)].minValues = lo;
  m.accessors[size_t(pos)].maxValues = hi;
  // glTF puts the texture origin at the top-left: flip t.
  std::vector<std::array<float, 2>> uv(mesh.uvs);
  for (auto& t : uv) t[1] = 1.0f - t[1];
  const int tex = add_accessor(m, add_view(m, uv.data(), uv.size() * 8, TINYGLTF_TARGET_ARRAY_BUFFER),
                               TINYGLTF_COMPONENT_TYPE_FLOAT, TINYGLTF_TYPE_VEC2, uv.size());
  const int idx = add_accessor(
      m, add_view(m, mesh.triangles.data(), mesh.triangles.size() * 12, TINYGLTF_TARGET_ELEMENT_ARRAY_BUFFER),
      TINYGLTF_COMPONENT_TYPE_UNSIGNED_INT, TINYGLTF_TYPE_SCALAR, mesh.triangles.size() * 3);
  tinygltf::Image image;
  image.mimeType = "image/jpeg";
  image.bufferView = add_view(m, part.jpeg.data(), part.jpeg.size(), 0);
  m.images.push_back(image);
  tinygltf::Texture texture;
  texture.source = int(m.images.size() - 1);
  m.textures.push_back(texture);
  tinygltf::Material material;
  material.pbrMetallicRoughness.baseColorTexture.index = int(m.textures.size() - 1);
  material.pbrMetallicRoughness.metallicFactor = 0.0;
  material.doubleSided = true;
  m.materials.push_back(material);
  tinygltf::Primitive prim;
  prim.attributes = {{"POSITION", pos}, {"TEXCOORD_0", tex}};
  prim.indices = idx;
  prim.material = int(m.materials.size() - 1);
  prim.mode = TINYGLTF_MODE_TRIANGLES;
  tinygltf::Mesh gltf_mesh;
  gltf_mesh.name = part.name;
  gltf_mesh.primitives.push_back(prim);
  m.meshes.push_back(gltf_mesh);
  tinygltf::Node node;
  node.mesh = int(m.meshes.size() - 1);
  node.name = part.name;
  m.nodes.push_back(node);
}

}  // namespace

void write_glb(const std::string& path, const std::vector<GlbPart>& parts) {
  tinygltf::Model m;
  m.asset.version = "2.0";
  m.asset.generator = "depthview";
  m.buffers.resize(1);
  m.scenes.resize(1);
  for (const GlbPart& part : parts) {
    add_part(m, part);
    m.scenes[0].nodes.push_back(int(m.nodes.size() - 1));
  }
  m.defaultScene = 0;
  tinygltf::TinyGLTF writer;
  if (!writer.WriteGltfSceneToFile(&m, path, /*embedImages=*/true, /*embedBuffers=*/true, /*prettyPrint=*/false,
                                   /*writeBinary=*/true))
    throw std::runtime_error("cannot write " + path);
}

void write_glb(const std::string& path, const Mesh& mesh, const std::vector<uint8_t>& jpeg) {
  write_glb(path, {GlbPart{mesh, jpeg, "relief"}});
}

}  // namespace dv::depth
