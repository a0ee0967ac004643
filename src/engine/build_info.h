// What this binary was compiled for: the page and the tests ask which flavour they run.
#pragma once

namespace dv {

struct BuildInfo {
  const char* version;   // depthview version
  const char* platform;  // "native" or "wasm"
  const char* simd;      // "host", "simd128" or "relaxed-simd128"
  bool threads;          // built with thread support
};

const BuildInfo& build_info();

}  // namespace dv
