// The layered mesh as GLB (scene/layered_glb.h), read back with Debian's tinygltf loader: two
// meshes, each with its own texture (the photo; the inpainted background), index counts as built.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <tiny_gltf.h>

#include "depth/export.h"
#include "scene/layered_glb.h"
#include "support/square_scene.h"
#include "support/temp_dir.h"

namespace {

tinygltf::Model load_glb(const std::string& path) {
  tinygltf::Model model;
  tinygltf::TinyGLTF loader;
  loader.SetImageLoader([](tinygltf::Image*, const int, std::string*, std::string*, int, int, const unsigned char*, int,
                           void*) { return true; },  // keep the bytes: compared below
                        nullptr);
  std::string err, warn;
  REQUIRE_MESSAGE(loader.LoadBinaryFromFile(&model, &err, &warn, path), err);
  return model;
}

// The bytes of an image stored in a buffer view.
std::vector<uint8_t> image_bytes(const tinygltf::Model& model, const tinygltf::Image& image) {
  const tinygltf::BufferView& view = model.bufferViews.at(size_t(image.bufferView));
  const auto begin = model.buffers[0].data.begin() + std::ptrdiff_t(view.byteOffset);
  return std::vector<uint8_t>(begin, begin + std::ptrdiff_t(view.byteLength));
}

size_t index_count(const tinygltf::Model& model, size_t mesh) {
  return model.accessors.at(size_t(model.meshes.at(mesh).primitives.at(0).indices)).count;
}

dv::scene::LayeredDepth square_layers() {
  dv::depth::Image photo;
  dv::depth::DepthMap depth;
  dv::test::square_scene(&photo, &depth);
  auto layers = dv::scene::build_layered_depth(photo, depth);
  REQUIRE(layers);
  return *layers;
}

}  // namespace

TEST_CASE("layered GLB: two textured meshes, foreground and background, as built") {
  const auto layers = square_layers();
  REQUIRE(layers.layer_count() == 2);
  const dv::scene::LayeredGlbOptions options{48};
  const dv::scene::LayeredMeshes meshes = dv::scene::layered_meshes(layers, options);
  REQUIRE(!meshes.background.triangles.empty());
  dv::test::TempDir tmp;
  const std::string path = tmp / "layers.glb";
  dv::scene::write_layered_glb(path, layers, options);

  const tinygltf::Model model = load_glb(path);
  REQUIRE(model.meshes.size() == 2);
  CHECK(model.meshes[0].name == "foreground");
  CHECK(model.meshes[1].name == "background");
  CHECK(index_count(model, 0) == meshes.foreground.triangles.size() * 3);
  CHECK(index_count(model, 1) == meshes.background.triangles.size() * 3);
  REQUIRE(model.textures.size() == 2);
  REQUIRE(model.images.size() == 2);
  // Each mesh's material shows its own texture: the photo, then the inpainted background colour.
  for (size_t i = 0; i < 2; ++i) {
    const auto& material = model.materials.at(size_t(model.meshes[i].primitives[0].material));
    CHECK(model.textures.at(size_t(material.pbrMetallicRoughness.baseColorTexture.index)).source == int(i));
  }
  CHECK(image_bytes(model, model.images[0]) == dv::depth::encode_jpeg(layers.foreground.color));
  CHECK(image_bytes(model, model.images[1]) == dv::depth::encode_jpeg(layers.background.color));
  CHECK(model.scenes.at(0).nodes.size() == 2);
}

TEST_CASE("layered GLB: the background lies behind the foreground where they are equal") {
  const auto layers = square_layers();
  const auto meshes = dv::scene::layered_meshes(layers, {48});
  REQUIRE(meshes.background.positions.size() == meshes.foreground.positions.size());
  // The corner is far from any edge: both layers are the photo there.
  CHECK(meshes.background.positions[0][2] == doctest::Approx(meshes.foreground.positions[0][2] - 0.002f));
}

TEST_CASE("layered GLB: a photo without depth edges gives one mesh") {
  dv::depth::Image photo{16, 16, std::vector<uint8_t>(16 * 16 * 3, 90)};
  const dv::depth::DepthMap flat{16, 16, std::vector<float>(256, 0.5f)};
  const auto layers = dv::scene::build_layered_depth(photo, flat);
  REQUIRE(layers);
  dv::test::TempDir tmp;
  dv::scene::write_layered_glb(tmp / "flat.glb", *layers);
  const tinygltf::Model model = load_glb(tmp / "flat.glb");
  CHECK(model.meshes.size() == 1);
  CHECK(model.images.size() == 1);
}
