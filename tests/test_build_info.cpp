#include <doctest/doctest.h>

#include <string>

#include "engine/build_info.h"

TEST_CASE("build info names the platform and SIMD flavour this binary was compiled for") {
  const dv::BuildInfo& info = dv::build_info();
  CHECK(std::string(info.version).size() > 0);
  CHECK(info.threads);
#if defined(__EMSCRIPTEN__)
  CHECK(std::string(info.platform) == "wasm");
  const std::string expected = std::string(DV_EXPECT_SIMD) == "relaxed" ? "relaxed-simd128" : "simd128";
  CHECK(std::string(info.simd) == expected);
#else
  CHECK(std::string(info.platform) == "native");
  CHECK(std::string(info.simd) == "host");
#endif
}
