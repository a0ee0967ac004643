#include "engine/build_info.h"

namespace dv {

const BuildInfo& build_info() {
  static const BuildInfo info = {
      DEPTHVIEW_VERSION,
#if defined(__EMSCRIPTEN__)
      "wasm",
#else
      "native",
#endif
#if defined(__wasm_relaxed_simd__)
      "relaxed-simd128",
#elif defined(__wasm_simd128__)
      "simd128",
#elif defined(__EMSCRIPTEN__)
      "none",
#else
      "host",
#endif
#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
      false,
#else
      true,
#endif
  };
  return info;
}

}  // namespace dv
