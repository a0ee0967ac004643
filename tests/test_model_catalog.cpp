// The model catalog (models/models.json): variants in the manifest's order, the default variant per
// platform, clear messages for what is not installed; and model files the manifest does not list,
// run by what the file and a preprocessor_config.json beside it say, with the assumptions in one line.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "depth/model_catalog.h"
#include "depth/pipeline.h"
#include "support/onnx_builder.h"

namespace fs = std::filesystem;
namespace ob = dv::testing::onnx_build;
using dv::depth::ModelCatalog;
using dv::depth::ModelInfo;

namespace {

// A scratch folder removed at the end of a test.
struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("dv-catalog-" + std::to_string(reinterpret_cast<uintptr_t>(this)));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string write(const std::string& name, const std::string& text) const {
    fs::create_directories((path / name).parent_path());
    std::ofstream(path / name, std::ios::binary) << text;
    return (path / name).string();
  }
  std::string write(const std::string& name, const std::vector<uint8_t>& bytes) const {
    return write(name, std::string(bytes.begin(), bytes.end()));
  }
};

std::string error_of(auto&& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "<no error>";
}

// One model "m" with four variants, of which fp32 and fp16 are installed; `default_variant` is the
// manifest's key ("" = none).
std::string manifest(const std::string& default_variant) {
  return R"({"schema": 1, "preference": ["m"], "models": [{"id": "m", "name": "M", "variants": {
    "fp32": {"file": "m.onnx", "size": 1000, "url": "http://127.0.0.1:9/m.onnx"},
    "fp16": {"file": "m_fp16.onnx", "size": 500, "url": "http://127.0.0.1:9/m_fp16.onnx"},
    "q4": {"file": "m_q4.onnx", "size": 250, "url": null},
    "bnb4": {"file": "m_bnb4.onnx", "size": 240, "url": "http://127.0.0.1:9/m_bnb4.onnx"}},)" +
         default_variant + R"(
    "input": {"policy": "fixed", "height": 8, "width": 8},
    "normalization": {"mean": [0, 0, 0], "std": [1, 1, 1]}, "output": "relative_depth"},
   {"id": "t", "name": "T", "variants": {}, "local_names": ["t.onnx"],
    "input": {"policy": "fixed", "height": 8, "width": 8},
    "normalization": {"mean": [0, 0, 0], "std": [1, 1, 1]}, "output": "metric_depth"}]})";
}

struct Installed : TempDir {
  Installed() {
    for (const char* f : {"models/m.onnx", "models/m_fp16.onnx", "models/t.onnx"}) write(f, "not read by the catalog");
  }
  ModelCatalog catalog(const std::string& default_variant, const std::string& platform = "native") const {
    return ModelCatalog(write("manifest.json", manifest(default_variant)), {(path / "models").string()}, platform);
  }
};

// The DPT image processor's config of onnx-community/depth-anything-v2-small.
const char* kDav2Config = R"({"do_normalize": true, "do_pad": false, "do_rescale": true, "do_resize": true,
  "ensure_multiple_of": 14, "image_mean": [0.485, 0.456, 0.406], "image_processor_type": "DPTImageProcessor",
  "image_std": [0.229, 0.224, 0.225], "keep_aspect_ratio": true, "resample": 3,
  "rescale_factor": 0.00392156862745098, "size": {"height": 518, "width": 518}, "size_divisor": null})";

// A patch embedding (14x14, one output channel) on a [1,3,H,W] input of any size.
std::vector<uint8_t> patch_model() {
  return ob::model({ob::node("Conv", {"x", "w"}, {"y"}, "patch_embed", {ob::attr_ints("strides", {14, 14})})},
                   {ob::float_tensor("w", {1, 3, 14, 14}, std::vector<float>(3 * 14 * 14, 0.01f))},
                   {ob::value_info("x", {1, 3, -1, -1})}, {ob::value_info("y", {1, 1, -1, -1})});
}

// A 3x3 convolution on a fixed [1,channels,8,8] input.
std::vector<uint8_t> fixed_model(int64_t channels = 3) {
  return ob::model({ob::node("Conv", {"x", "w"}, {"y"}, "conv", {ob::attr_ints("pads", {1, 1, 1, 1})})},
                   {ob::float_tensor("w", {1, channels, 3, 3}, std::vector<float>(size_t(channels) * 9, 0.1f))},
                   {ob::value_info("x", {1, channels, 8, 8})}, {ob::value_info("y", {1, 1, 8, 8})});
}

// The settings a model file gets once loaded (as the CLI and viewer load it).
ModelInfo loaded(const ModelInfo& info) { return dv::depth::DepthEstimator(info, {1, false}).info(); }

}  // namespace

TEST_CASE("catalog: variants in the manifest's order; default_variant picks one per platform") {
  const Installed dir;
  const ModelCatalog plain = dir.catalog("");
  const ModelInfo& m = plain.models().at(0);
  std::vector<std::string> names;
  for (const auto& v : m.variants) names.push_back(v.name);
  CHECK(names == std::vector<std::string>{"fp32", "fp16", "q4", "bnb4"});
  CHECK(m.variants[1].size == 500);
  CHECK(m.variants[1].downloadable);
  CHECK_FALSE(m.variants[2].downloadable);
  CHECK(m.variants[2].path.empty());
  CHECK(fs::path(m.variants[1].path).filename() == "m_fp16.onnx");
  // Without the key: fp32. The key changes the choice, per platform.
  CHECK(plain.resolve("m").variant == "fp32");
  CHECK(plain.resolve("").variant == "fp32");
  const ModelCatalog fp16 = dir.catalog(R"("default_variant": {"native": "fp16", "web": "fp32"},)", "native");
  CHECK(fp16.resolve("m").variant == "fp16");
  CHECK(fs::path(fp16.resolve("m").path).filename() == "m_fp16.onnx");
  CHECK(fp16.resolve("").variant == "fp16");
  CHECK(fp16.models().at(0).variant == "fp16");
  CHECK(fp16.resolve("m").label() == "M (fp16)");
  CHECK(dir.catalog(R"("default_variant": {"native": "fp16", "web": "fp32"},)", "web").resolve("m").variant == "fp32");
  // A default that is not installed gives way to an installed variant; one asked for does not.
  const ModelCatalog q4 = dir.catalog(R"("default_variant": {"native": "q4", "web": "q4"},)");
  CHECK(q4.resolve("m").variant == "fp32");
  CHECK(q4.resolve("m", "fp16").variant == "fp16");
  CHECK(error_of([&] { q4.resolve("m", "bnb4"); }) ==
        "variant 'bnb4' of model 'm' (m_bnb4.onnx) is not installed: run depthview models --fetch m --variant bnb4");
  CHECK(error_of([&] { q4.resolve("m", "q4"); }) ==
        "variant 'q4' of model 'm' (m_q4.onnx) is not installed: put m_q4.onnx into models/");
  CHECK(error_of([&] { q4.resolve("m", "fp8"); }) ==
        "model 'm' has no variant 'fp8'; its variants: fp32, fp16, q4, bnb4");
  CHECK(error_of([&] {
          dir.catalog(R"("default_variant": {"native": "fp8"},)");
        }).find("its default variant 'fp8' (native) is not one of its variants") != std::string::npos);
}

TEST_CASE("catalog: a file of the manifest gets its model and variant; local_names are the fp32 file") {
  const Installed dir;
  const ModelCatalog catalog = dir.catalog("");
  const ModelInfo fp16 = catalog.resolve((dir.path / "models/m_fp16.onnx").string());
  CHECK(fp16.in_manifest);
  CHECK(fp16.id == "m");
  CHECK(fp16.variant == "fp16");
  const ModelInfo t = catalog.resolve("t");
  REQUIRE(t.variants.size() == 1);
  CHECK(t.variants[0].name == "fp32");
  CHECK(t.variant == "fp32");
  CHECK(t.label() == "T");
  CHECK(fs::path(t.path).filename() == "t.onnx");
  CHECK(error_of([&] {
          catalog.resolve((dir.path / "models/m.onnx").string(), "fp16");
        }).find("a variant picks a file of a model id") != std::string::npos);
  // The user's settings win over the manifest's.
  dv::depth::ModelOverrides o;
  o.mean = {0.5f, 0.5f, 0.5f};
  o.output = dv::depth::OutputKind::RelativeInverseDepth;
  const ModelInfo over = catalog.resolve("m", "", o);
  CHECK(over.normalization.mean[1] == 0.5f);
  CHECK(over.normalization.std[1] == 1.0f);
  CHECK(over.output == dv::depth::OutputKind::RelativeInverseDepth);
  CHECK(over.assumptions.empty());
}

TEST_CASE("model files not in the manifest: input from the graph, preprocessor_config.json, one line of assumptions") {
  const Installed dir;
  const ModelCatalog catalog = dir.catalog("");
  SUBCASE("a dynamic graph with a patch embedding and Depth Anything's preprocessor_config.json beside it") {
    dir.write("other/preprocessor_config.json", kDav2Config);
    const ModelInfo info = catalog.resolve(dir.write("other/my.onnx", patch_model()));
    CHECK_FALSE(info.in_manifest);
    REQUIRE(info.preprocessor.has_value());
    dv::depth::DepthEstimator est(info, {1, false});
    const ModelInfo& m = est.info();
    CHECK(m.assumptions ==
          "my.onnx: not in the manifest; input keep-aspect, short side 518 from preprocessor_config.json, sides "
          "multiples of 14 (the graph's patch size and preprocessor_config.json), mean/std from "
          "preprocessor_config.json, output assumed inverse depth (--output to change)");
    CHECK(m.keep_aspect);
    CHECK(m.short_side == 518);
    CHECK(m.multiple == 14);
    CHECK(m.normalization.mean[0] == doctest::Approx(0.485));
    CHECK(m.normalization.std[2] == doctest::Approx(0.225));
    CHECK(m.output == dv::depth::OutputKind::RelativeInverseDepth);
    // It runs: a 100x60 photo gets a 518-pixel short side, both sides multiples of 14.
    const auto result = est.run(dv::depth::Image{100, 60, std::vector<uint8_t>(100 * 60 * 3, 128)});
    CHECK(result.model_height == 518 / 14);
    CHECK(result.model_width == 868 / 14);
  }
  SUBCASE("a Hugging Face layout: the config one folder above onnx/; the user's settings win") {
    dir.write("repo/preprocessor_config.json", kDav2Config);
    dv::depth::ModelOverrides o;
    o.short_side = 266;
    o.mean = {0.5f, 0.5f, 0.5f};
    o.std = {0.25f, 0.25f, 0.25f};
    o.output = dv::depth::OutputKind::RelativeDepth;
    const ModelInfo m = loaded(catalog.resolve(dir.write("repo/onnx/model.onnx", patch_model()), "", o));
    CHECK(m.assumptions ==
          "model.onnx: not in the manifest; input keep-aspect, short side 266 from --size, sides multiples of 14 "
          "(the graph's patch size and ../preprocessor_config.json), mean/std from --mean/--std, output depth from "
          "--output");
    CHECK(m.short_side == 266);
    CHECK(m.normalization.mean[0] == 0.5f);
    CHECK(m.normalization.std[0] == 0.25f);
    CHECK(m.output == dv::depth::OutputKind::RelativeDepth);
  }
  SUBCASE("a fixed input and no config: the file's size, the rest assumed") {
    dv::depth::ModelOverrides o;
    o.std = {0.5f, 0.5f, 0.5f};
    const ModelInfo m = loaded(catalog.resolve(dir.write("a/b/fixed.onnx", fixed_model()), "", o));
    CHECK(m.assumptions ==
          "fixed.onnx: not in the manifest; input 8x8 fixed from the file, mean assumed ImageNet, std from --std, "
          "output assumed inverse depth (--output to change)");
    CHECK_FALSE(m.keep_aspect);
    CHECK(m.fixed_height == 8);
    CHECK(m.normalization.mean[0] == doctest::Approx(0.485));
    CHECK(m.normalization.std[0] == 0.5f);
  }
  SUBCASE("a dynamic graph without a patch embedding or config") {
    const ModelInfo m = loaded(catalog.resolve(dir.write(
        "a/b/plain.onnx", ob::model({ob::node("Relu", {"x"}, {"y"}, "relu")}, {}, {ob::value_info("x", {1, 3, -1, -1})},
                                    {ob::value_info("y", {1, 3, -1, -1})}))));
    CHECK(m.assumptions ==
          "plain.onnx: not in the manifest; input keep-aspect, short side 518 assumed (--size to change), no patch "
          "size in the graph, mean/std assumed ImageNet (--mean/--std to change), output assumed inverse depth "
          "(--output to change)");
    CHECK(m.multiple == 1);
  }
  SUBCASE("an input that is not an image is refused, naming the file") {
    CHECK(error_of([&] { loaded(catalog.resolve(dir.write("a/b/grey.onnx", fixed_model(1)))); }) ==
          "grey.onnx: its input is 1x1x8x8; depthview runs models whose input is an image, 1x3xHxW");
  }
}

TEST_CASE("preprocessor_config.json: rescaling, normalisation and size forms") {
  const TempDir dir;
  auto config = [&](const std::string& text) {
    return dv::depth::read_preprocessor_config(dir.write("preprocessor_config.json", text));
  };
  // Without rescaling the processor normalises 0..255 pixels: mean and std scale by 1/255.
  const auto raw = config(R"({"do_rescale": false, "image_mean": [127.5, 127.5, 127.5], "image_std": [255, 255, 255],
                              "size": {"shortest_edge": 384}})");
  REQUIRE(raw.normalization.has_value());
  CHECK(raw.normalization->mean[0] == doctest::Approx(0.5));
  CHECK(raw.normalization->std[0] == doctest::Approx(1.0));
  CHECK(raw.keep_aspect);
  CHECK(raw.short_side == 384);
  const auto unnormalised = config(R"({"do_normalize": false, "size": {"height": 256, "width": 320}})");
  CHECK(unnormalised.normalization->mean[2] == 0.0f);
  CHECK(unnormalised.normalization->std[2] == doctest::Approx(1.0));
  CHECK_FALSE(unnormalised.keep_aspect);
  CHECK(unnormalised.height == 256);
  CHECK(unnormalised.width == 320);
  const auto one_value = config(R"({"image_mean": [0.5], "image_std": 0.5, "size": 224, "ensure_multiple_of": 32})");
  CHECK(one_value.normalization->mean[1] == doctest::Approx(0.5));
  CHECK(one_value.short_side == 224);
  CHECK(one_value.multiple == 32);
  CHECK_FALSE(config("{}").normalization.has_value());
  const std::string path = (dir.path / "preprocessor_config.json").string();
  CHECK(error_of([&] { config(R"({"image_mean": [0.5, 0.5], "image_std": [1, 1]})"); }) ==
        "'" + path + "' is malformed: image_mean needs 1 or 3 values");
  CHECK(error_of([&] { config(R"({"image_mean": [0, 0, 0], "image_std": [1, 0, 1]})"); }) ==
        "'" + path + "' is malformed: image_std must be positive");
  CHECK(error_of([&] { config("{not json"); }).find("'" + path + "' is malformed: ") == 0);
}
