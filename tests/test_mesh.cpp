// Relief mesh: grid layout and texture coordinates, triangles across a depth step dropped, and
// PLY/OBJ parsed back.
#include <doctest/doctest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include <tiny_gltf.h>

#include "depth/mesh.h"

using dv::depth::DepthMap;

namespace {
std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("dv-mesh-" + name)).string();
}
std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}
}  // namespace

TEST_CASE("mesh: a flat map gives a full grid with texture corners at the photo's corners") {
  const DepthMap flat{5, 4, std::vector<float>(20, 0.5f)};
  const auto mesh = dv::depth::build_relief_mesh(flat, {5, 0.3f, 0.08f});
  CHECK(mesh.positions.size() == 20);
  CHECK(mesh.triangles.size() == 2 * 4 * 3);
  CHECK(mesh.dropped_triangles == 0);
  CHECK(mesh.uvs.front() == std::array<float, 2>{0.0f, 1.0f});  // top-left of the photo
  CHECK(mesh.uvs.back() == std::array<float, 2>{1.0f, 0.0f});   // bottom-right
  CHECK(mesh.positions.front()[2] == doctest::Approx(0.15f));   // depth 0.5 * scale 0.3
}

TEST_CASE("mesh: triangles across a depth discontinuity are dropped, not stretched") {
  DepthMap step{6, 4, {}};
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 6; ++x) step.values.push_back(x < 3 ? 0.1f : 0.9f);
  const auto mesh = dv::depth::build_relief_mesh(step, {6, 0.3f, 0.08f});
  CHECK(mesh.dropped_triangles == 2 * 3);  // the one column of cells between x = 2 and x = 3
  CHECK(mesh.triangles.size() == 2 * 5 * 3 - 6);
  const auto smooth = dv::depth::build_relief_mesh(step, {6, 0.3f, 1.0f});
  CHECK(smooth.dropped_triangles == 0);
}

TEST_CASE("mesh: PLY and OBJ parse back with their counts and texture coordinates") {
  DepthMap ramp{8, 6, {}};
  for (int i = 0; i < 48; ++i) ramp.values.push_back(float(i % 8) / 7.0f);
  const auto mesh = dv::depth::build_relief_mesh(ramp, {8, 0.3f, 0.2f});
  REQUIRE(mesh.triangles.size() > 0);

  const std::string ply = temp_path("a.ply");
  dv::depth::write_ply(ply, mesh);
  const std::string bytes = read_all(ply);
  const size_t end = bytes.find("end_header\n");
  REQUIRE(end != std::string::npos);
  const std::string header = bytes.substr(0, end);
  CHECK(header.find("element vertex " + std::to_string(mesh.positions.size())) != std::string::npos);
  CHECK(header.find("element face " + std::to_string(mesh.triangles.size())) != std::string::npos);
  const char* body = bytes.data() + end + std::strlen("end_header\n");
  CHECK(bytes.size() == size_t(body - bytes.data()) + mesh.positions.size() * 20 + mesh.triangles.size() * 13);
  float v0[5];
  std::memcpy(v0, body, sizeof v0);
  CHECK(v0[3] == 0.0f);  // s
  CHECK(v0[4] == 1.0f);  // t
  std::remove(ply.c_str());

  const std::string obj = temp_path("a.obj");
  dv::depth::write_obj(obj, mesh, "a_texture.jpg");
  std::istringstream lines(read_all(obj));
  size_t v = 0, vt = 0, f = 0;
  for (std::string line; std::getline(lines, line);) {
    v += line.rfind("v ", 0) == 0;
    vt += line.rfind("vt ", 0) == 0;
    f += line.rfind("f ", 0) == 0;
  }
  CHECK(v == mesh.positions.size());
  CHECK(vt == mesh.uvs.size());
  CHECK(f == mesh.triangles.size());
  CHECK(read_all(temp_path("a.mtl")).find("map_Kd a_texture.jpg") != std::string::npos);
  std::remove(obj.c_str());
  std::remove(temp_path("a.mtl").c_str());
}

TEST_CASE("mesh: GLB loads back with tinygltf: counts, texture coordinates, embedded JPEG") {
  DepthMap ramp{8, 6, {}};
  for (int i = 0; i < 48; ++i) ramp.values.push_back(float(i % 8) / 7.0f);
  const auto mesh = dv::depth::build_relief_mesh(ramp, {8, 0.3f, 0.2f});
  const std::vector<uint8_t> jpeg = {0xFF, 0xD8, 0xFF, 0xD9};  // stands in for the photo
  const std::string path = temp_path("a.glb");
  dv::depth::write_glb(path, mesh, jpeg);

  tinygltf::Model model;
  tinygltf::TinyGLTF loader;
  loader.SetImageLoader([](tinygltf::Image*, const int, std::string*, std::string*, int, int, const unsigned char*, int,
                           void*) { return true; },  // keep the bytes; decoding is not under test
                        nullptr);
  std::string err, warn;
  REQUIRE_MESSAGE(loader.LoadBinaryFromFile(&model, &err, &warn, path), err);
  REQUIRE(model.meshes.size() == 1);
  const auto& prim = model.meshes[0].primitives.at(0);
  CHECK(model.accessors[size_t(prim.attributes.at("POSITION"))].count == mesh.positions.size());
  const auto& uv = model.accessors[size_t(prim.attributes.at("TEXCOORD_0"))];
  CHECK(uv.count == mesh.uvs.size());
  CHECK(model.accessors[size_t(prim.indices)].count == mesh.triangles.size() * 3);
  const auto& view = model.bufferViews[size_t(uv.bufferView)];
  float first[2];
  std::memcpy(first, model.buffers[0].data.data() + view.byteOffset + uv.byteOffset, sizeof first);
  CHECK(first[0] == 0.0f);
  CHECK(first[1] == 0.0f);  // glTF: top-left origin
  REQUIRE(model.images.size() == 1);
  CHECK(model.images[0].mimeType == "image/jpeg");
  std::remove(path.c_str());
}
