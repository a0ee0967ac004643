// Every input the fuzzers found (tests/fuzz/regressions/<target>/) replayed through the same code
// as the fuzz target, plus what each must now say. Under the ASan/UBSan build (native-asan) this
// also proves the memory error or undefined behaviour is gone.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz/fuzz_bodies.h"

namespace fs = std::filesystem;

namespace {
std::vector<std::vector<uint8_t>> findings(const std::string& target) {
  std::vector<std::vector<uint8_t>> out;
  for (const auto& entry : fs::directory_iterator(fs::path(DV_TESTS_DIR) / "fuzz" / "regressions" / target)) {
    std::ifstream in(entry.path(), std::ios::binary);
    out.emplace_back((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  return out;
}
}  // namespace

TEST_CASE("fuzz regressions: ONNX loader findings give errors, not undefined behaviour") {
  const auto inputs = findings("onnx");
  CHECK(!inputs.empty());
  for (const auto& bytes : inputs) CHECK(dv::fuzz::fuzz_onnx_one(bytes.data(), bytes.size()) == 0);
}

TEST_CASE("fuzz regressions: ../shared/findings (a Resize fold that allocated 5.66 GB) is refused quickly") {
  const fs::path file = fs::path(DV_SHARED_DIR) / "findings" / "fuzz_onnx_oom_fold_resize.onnx";
  if (!fs::exists(file)) {
    MESSAGE("SKIPPED: ../shared/findings is absent");
    return;
  }
  std::ifstream in(file, std::ios::binary);
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(dv::fuzz::fuzz_onnx_one(bytes.data(), bytes.size()) == 0);
}

TEST_CASE("fuzz regressions: image findings are refused as corrupt or decode to a consistent image") {
  const auto inputs = findings("image");
  CHECK(!inputs.empty());
  for (const auto& bytes : inputs) {
    CHECK(dv::fuzz::fuzz_image_one(bytes.data(), bytes.size()) == 0);
    try {
      const auto img = dv::depth::decode_image(bytes, "finding");
      CHECK(img.rgb.size() == size_t(img.width) * size_t(img.height) * 3);  // damaged data, sane image
    } catch (const dv::depth::ImageError& e) {
      CHECK(std::string(e.what()).find("finding: ") == 0);
    }
  }
}

TEST_CASE("fuzz regressions: exporter findings are handled") {
  for (const auto& bytes : findings("export")) CHECK(dv::fuzz::fuzz_export_one(bytes.data(), bytes.size()) == 0);
}
