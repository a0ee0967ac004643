// Model downloads, the parts without a network (the transfer itself is tested against the stand-in
// hub in tests/scripts/cli_download.sh): which URL a variant comes from, the size rule of
// models.json's download_comment, the .part name, Content-Range, SHA-256, where models live.
#include <doctest/doctest.h>

#include <cstdlib>
#include <optional>
#include <filesystem>
#include <fstream>
#include <string>

#include "depth/model_download.h"

namespace fs = std::filesystem;
using dv::depth::check_download;
using dv::depth::ModelVariant;

namespace {

ModelVariant variant(uint64_t size, const std::string& sha256 = "", const std::string& url = "") {
  ModelVariant v;
  v.name = "fp16";
  v.files = {"m_fp16.onnx"};
  v.size = size;
  v.sha256 = sha256;
  v.url = url;
  v.downloadable = !url.empty();
  return v;
}

const std::string kAbc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";  // sha256("abc")

// Sets an environment variable for one test, restoring it after.
struct ScopedEnv {
  std::string name;
  std::optional<std::string> old;
  ScopedEnv(const char* n, const std::string& value) : name(n) {
    if (const char* v = std::getenv(n)) old = v;
    setenv(n, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old) setenv(name.c_str(), old->c_str(), 1);
    else unsetenv(name.c_str());
  }
};

}  // namespace

TEST_CASE("download URL: --hub, else the manifest's download_base, else the variant's url") {
  const ModelVariant v = variant(100, "", "https://huggingface.co/x/resolve/abc/onnx/model_fp16.onnx");
  CHECK(dv::depth::download_url(v, "", "") == v.url);
  CHECK(dv::depth::download_url(v, "http://mirror/models", "") == "http://mirror/models/m_fp16.onnx");
  CHECK(dv::depth::download_url(v, "http://mirror/models/", "http://127.0.0.1:8000//") ==
        "http://127.0.0.1:8000/m_fp16.onnx");
  CHECK(dv::depth::download_url(variant(100), "", "").empty());  // no url: no download
  CHECK(dv::depth::partial_path("/a/m_fp16.onnx") == "/a/m_fp16.onnx.part");
}

TEST_CASE("size rule: sha256 pinned -> exact size and digest; else the declared length and within 2%") {
  const ModelVariant pinned = variant(3, kAbc);
  CHECK(check_download(pinned, 3, 3, kAbc).empty());
  CHECK(check_download(pinned, 3, -1, kAbc).empty());
  CHECK(check_download(pinned, 4, 4, kAbc) == "it is 4 bytes, the manifest says exactly 3");
  CHECK(check_download(pinned, 3, 3, std::string(64, '0')) ==
        "its sha256 is " + std::string(64, '0') + ", the manifest pins " + kAbc);
  const ModelVariant rounded = variant(49600000);
  CHECK(check_download(rounded, 49612345, 49612345, "any").empty());
  CHECK(check_download(rounded, 49612345, -1, "any").empty());  // no declared length: the 2% alone
  CHECK(check_download(rounded, 49612345, 50000000, "any") == "it is 49612345 bytes, the server declared 50000000");
  CHECK(check_download(rounded, 51000000, 51000000, "any") ==
        "it is 51000000 bytes, the manifest says about 49600000 (within 2%)");
  CHECK(check_download(variant(0), 123, 123, "any").empty());  // nothing known: the server's length
}

TEST_CASE("Content-Range values") {
  int64_t start = 0, total = 0;
  CHECK(dv::depth::parse_content_range("bytes 100-199/1000", &start, &total));
  CHECK(start == 100);
  CHECK(total == 1000);
  CHECK(dv::depth::parse_content_range("bytes 0-9/*", &start, &total));
  CHECK(total == -1);
  CHECK(dv::depth::parse_content_range("bytes */5445774", &start, &total));
  CHECK(start == -1);
  CHECK(total == 5445774);
  CHECK_FALSE(dv::depth::parse_content_range("bytes 9-1/10", &start, &total));
  CHECK_FALSE(dv::depth::parse_content_range("items 0-1/10", &start, &total));
  CHECK_FALSE(dv::depth::parse_content_range("bytes 0-x/10", &start, &total));
  CHECK_FALSE(dv::depth::parse_content_range("bytes 0-1", &start, &total));
}

TEST_CASE("SHA-256 through libcrypto, fed in pieces") {
  dv::depth::Sha256 sha;
  sha.update("a", 1);
  sha.update("bc", 2);
  CHECK(sha.hex() == kAbc);
  sha.reset();
  CHECK(sha.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");  // nothing
}

TEST_CASE("where models live: the user models folder, the search order, the hub override") {
  {
    const ScopedEnv xdg("XDG_DATA_HOME", "/tmp/dv-xdg");
    CHECK(dv::depth::user_models_dir() == "/tmp/dv-xdg/depthview/models");
    const auto dirs = dv::depth::native_model_dirs("/tmp/m/models.json", "/tmp/extra/");
    REQUIRE(dirs.size() >= 4);
    CHECK(dirs[0] == "/tmp/extra/");
    CHECK(dirs[1] == "/tmp/m");
    CHECK(fs::path(dirs[2]).filename() == "models");  // the source tree's models/
    CHECK(dirs[3] == "/tmp/dv-xdg/depthview/models");
  }
  {
    const ScopedEnv xdg("XDG_DATA_HOME", "");
    const ScopedEnv home("HOME", "/home/someone");
    CHECK(dv::depth::user_models_dir() == "/home/someone/.local/share/depthview/models");
  }
  const ScopedEnv hub("DEPTHVIEW_MODEL_HUB", "http://127.0.0.1:1234");
  CHECK(dv::depth::hub_override("") == "http://127.0.0.1:1234");
  CHECK(dv::depth::hub_override("http://mirror") == "http://mirror");
}

TEST_CASE("download plan: the default variant into the user folder; clear refusals") {
  const fs::path dir = fs::temp_directory_path() / "dv-download-plan";
  fs::create_directories(dir);
  std::ofstream(dir / "models.json") << R"({"schema": 1, "download_base": null, "preference": ["m"], "models": [
    {"id": "m", "name": "M", "variants": {
       "fp32": {"file": "m.onnx", "size": 99100000, "sha256": null, "url": "https://hub/m.onnx"},
       "fp16": {"file": "m_fp16.onnx", "size": 49600000, "sha256": null, "url": "https://hub/m_fp16.onnx"},
       "q4": {"file": "m_q4.onnx", "size": null, "sha256": null, "url": null}},
     "default_variant": {"native": "fp16", "web": "fp16"},
     "input": {"policy": "fixed", "height": 8, "width": 8},
     "normalization": {"mean": [0, 0, 0], "std": [1, 1, 1]}, "output": "relative_depth"},
    {"id": "t", "name": "T", "variants": {}, "local_names": ["t.onnx"],
     "input": {"policy": "fixed", "height": 8, "width": 8},
     "normalization": {"mean": [0, 0, 0], "std": [1, 1, 1]}, "output": "metric_depth"}]})";
  const dv::depth::ModelCatalog catalog((dir / "models.json").string(), {(dir / "none").string()});
  const auto plan = dv::depth::plan_download(catalog, "", "", "", (dir / "dl").string());
  CHECK(plan.model_id == "m");
  CHECK(plan.variant.name == "fp16");
  CHECK(plan.url == "https://hub/m_fp16.onnx");
  CHECK(plan.dest == (dir / "dl" / "m_fp16.onnx").string());
  CHECK(plan.variant_label == "M (49.6 MB)");
  CHECK(dv::depth::plan_download(catalog, "m", "fp32", "", "").variant_label == "M (fp32, 99.1 MB)");
  CHECK(dv::depth::plan_download(catalog, "m", "q4", "http://127.0.0.1:9", "").url == "http://127.0.0.1:9/m_q4.onnx");
  auto error_of = [&](const std::string& id, const std::string& v) {
    try {
      dv::depth::plan_download(catalog, id, v, "", "");
    } catch (const dv::depth::DownloadError& e) {
      return std::string(e.what());
    }
    return std::string("<no error>");
  };
  CHECK(error_of("x", "") == "unknown model 'x'; known: m, t");
  CHECK(error_of("m", "fp8") == "model 'm' has no variant 'fp8'; its variants: fp32, fp16, q4");
  CHECK(error_of("m", "q4") ==
        "'m' (q4) has no download: put m_q4.onnx into models/ by hand, or name a hub with --hub URL");
  CHECK(error_of("t", "") ==
        "'t' (fp32) has no download: put t.onnx into models/ by hand, or name a hub with --hub URL");
  fs::remove_all(dir);
}
