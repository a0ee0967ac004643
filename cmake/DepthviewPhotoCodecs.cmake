# Photo codecs: natively Debian's packages; in wasm compiled from the sources scripts/setup unpacks
# (scripts/lib/codecs.sh), as libpng is. Without one, decode_image still recognises the format and
# says it is not in the build.
#   DEPTHVIEW_HEIF  HEIC / AVIF / HEIF with libheif (natively libheif-dev: libde265, dav1d, aom; in
#                   wasm libheif + libde265, cmake/DepthviewHeifSources.cmake)
#   DEPTHVIEW_WEBP  WebP with libwebp (natively libwebp-dev: libwebp, libwebpdemux, libwebpmux; in
#                   wasm all of libwebp, dv_webp below): photos in, animated WebP out
# Each gives a target, dv_heif / dv_webp, that dv_depth links (the native tests link dv_heif too:
# they encode HEIFs with an orientation through libheif's API).
option(DEPTHVIEW_HEIF "HEIC/AVIF photos with libheif" ON)
option(DEPTHVIEW_WEBP "WebP photos with libwebp" ON)
set(DEPTHVIEW_WEBP_SOURCE "${DEPTHVIEW_TC}/src/libwebp" CACHE PATH "wasm: the libwebp source tree (scripts/setup)")

if(DEPTHVIEW_HEIF AND EMSCRIPTEN)
  include(DepthviewHeifSources)
elseif(DEPTHVIEW_HEIF)
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(LIBHEIF REQUIRED IMPORTED_TARGET libheif)
  add_library(dv_heif INTERFACE)
  target_link_libraries(dv_heif INTERFACE PkgConfig::LIBHEIF)
endif()

if(DEPTHVIEW_WEBP AND NOT EMSCRIPTEN)
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(LIBWEBP REQUIRED IMPORTED_TARGET libwebp libwebpdemux libwebpmux)
  add_library(dv_webp INTERFACE)
  target_link_libraries(dv_webp INTERFACE PkgConfig::LIBWEBP)
elseif(DEPTHVIEW_WEBP)
  set(_dv_webp "${DEPTHVIEW_WEBP_SOURCE}")
  if(NOT EXISTS "${_dv_webp}/src/webp/decode.h")
    message(FATAL_ERROR "${_dv_webp}/src/webp/decode.h is missing: run scripts/setup")
  endif()
  # All of libwebp (decoder, demuxer; encoder, sharpyuv and muxer for animated WebP exports): the
  # linker keeps what is used. The SSE2/NEON/MIPS files compile to nothing without those targets' macros.
  file(GLOB _dv_webp_sources "${_dv_webp}/src/dec/*.c" "${_dv_webp}/src/demux/*.c" "${_dv_webp}/src/enc/*.c"
       "${_dv_webp}/src/mux/*.c" "${_dv_webp}/src/dsp/*.c" "${_dv_webp}/src/utils/*.c" "${_dv_webp}/sharpyuv/*.c")
  add_library(dv_webp STATIC ${_dv_webp_sources})
  # Its sources include "src/dsp/..." from the top; users include <webp/decode.h>.
  target_include_directories(dv_webp SYSTEM PUBLIC "${_dv_webp}/src" PRIVATE "${_dv_webp}")
  target_compile_options(dv_webp PRIVATE -w)  # third-party code, never with -Werror
endif()
