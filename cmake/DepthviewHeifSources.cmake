# wasm: libheif with its HEVC (libde265) and AV1 (dav1d) decoders, compiled from the sources
# scripts/setup unpacked and patched (scripts/lib/codecs.sh), as libwebp is: dv_heif, what
# image_heif.cpp includes and links. Decoding only: no encoder, no plugin loading, no threads of
# the codecs' own (they decode on the calling thread; the viewer already decodes off the main one).
set(_dv_de265 "${DEPTHVIEW_TC}/src/libde265")
set(_dv_heif "${DEPTHVIEW_TC}/src/libheif")
foreach(_dv_f "${_dv_de265}/libde265/de265.h" "${_dv_heif}/libheif/api/libheif/heif.h")
  if(NOT EXISTS "${_dv_f}")
    message(FATAL_ERROR "${_dv_f} is missing: run scripts/setup")
  endif()
endforeach()

# libde265's library sources (its libde265/CMakeLists.txt) without the encoder (en265.cc) and the
# SSE files; de265-version.h ships in the tarball.
set(_dv_de265_sources "")
foreach(_dv_f alloc_pool bitstream cabac configparam contextmodel de265 deblock decctx dpb fallback-dct
              fallback-motion fallback image-io image intrapred md5 motion nal-parser nal pps quality
              refpic sao scan sei slice sps threads transform util visualize vps vui)
  list(APPEND _dv_de265_sources "${_dv_de265}/libde265/${_dv_f}.cc")
endforeach()
add_library(dv_de265 STATIC ${_dv_de265_sources})
target_include_directories(dv_de265 SYSTEM PUBLIC "${_dv_de265}")
# What its configure finds on Emscripten's libc; a static library, so no symbol exports.
target_compile_definitions(dv_de265 PRIVATE HAVE_ALLOCA_H HAVE_POSIX_MEMALIGN PUBLIC LIBDE265_STATIC_BUILD)
set_target_properties(dv_de265 PROPERTIES CXX_STANDARD 11)  # its own; C++20 rejects some of it
target_compile_options(dv_de265 PRIVATE -w)  # third-party code, never with -Werror

# libheif's library sources (its libheif/CMakeLists.txt, libheif_sources), the libde265 decoder
# plugin built in, and what plugin_registry.cc always registers (the mask encoder).
set(_dv_heif_sources "")
foreach(_dv_f bitstream box error context file file_layout pixelimage plugin_registry nclx security_limits init
              logging compression_brotli compression_zlib common_utils region
              api/libheif/heif api/libheif/heif_regions api/libheif/heif_plugin api/libheif/heif_properties
              api/libheif/heif_items codecs/decoder image-items/hevc codecs/hevc_boxes codecs/hevc_dec
              image-items/avif codecs/avif_dec codecs/avif_boxes image-items/jpeg codecs/jpeg_boxes codecs/jpeg_dec
              image-items/jpeg2000 codecs/jpeg2000_dec codecs/jpeg2000_boxes image-items/vvc codecs/vvc_dec
              codecs/vvc_boxes image-items/avc codecs/avc_boxes codecs/avc_dec image-items/mask_image
              image-items/image_item image-items/grid image-items/overlay image-items/iden image-items/tiled
              color-conversion/colorconversion color-conversion/rgb2yuv color-conversion/rgb2yuv_sharp
              color-conversion/yuv2rgb color-conversion/rgb2rgb color-conversion/monochrome color-conversion/hdr_sdr
              color-conversion/alpha color-conversion/chroma_sampling
              plugins/decoder_libde265 plugins/encoder_mask plugins/nalu_utils)
  list(APPEND _dv_heif_sources "${_dv_heif}/libheif/${_dv_f}.cc")
endforeach()
add_library(dv_heif STATIC ${_dv_heif_sources})
# heif_version.h, as its CMake writes it (in a function: the PROJECT_VERSION_* it fills in are
# libheif's, not ours; file(CONFIGURE) rewrites it only when the text changes).
set(_dv_heif_cfg "${CMAKE_BINARY_DIR}/libheif-config")
function(_dv_heif_version_header)
  file(STRINGS "${_dv_heif}/CMakeLists.txt" project REGEX "^project\\(libheif .*VERSION")
  string(REGEX MATCH "([0-9]+)\\.([0-9]+)\\.([0-9]+)" version "${project}")
  set(PROJECT_VERSION_MAJOR ${CMAKE_MATCH_1})
  set(PROJECT_VERSION_MINOR ${CMAKE_MATCH_2})
  set(PROJECT_VERSION_PATCH ${CMAKE_MATCH_3})
  set(PLUGIN_DIRECTORY "")
  file(READ "${_dv_heif}/libheif/api/libheif/heif_version.h.in" template)
  file(CONFIGURE OUTPUT "${_dv_heif_cfg}/libheif/heif_version.h" CONTENT "${template}" @ONLY)
endfunction()
_dv_heif_version_header()
target_include_directories(dv_heif SYSTEM PUBLIC "${_dv_heif}/libheif/api" "${_dv_heif_cfg}"
                           PRIVATE "${_dv_heif}/libheif" "${_dv_heif}")
target_compile_definitions(dv_heif PUBLIC LIBHEIF_STATIC_BUILD PRIVATE HAVE_LIBDE265=1)
target_compile_options(dv_heif PRIVATE -w)
target_link_libraries(dv_heif PRIVATE dv_de265)

# dav1d, libheif's AV1 decoder (AVIF): its meson build's library sources without assembly, the
# bitdepth templates compiled once for 8 and once for 16 bits (BITDEPTH), config.h as meson writes
# it for Emscripten (what is not defined here is 0: no assembly, no affinity, no dlsym). No logging:
# in wasm (32-bit) dav1d would print "Frame size limit reduced" to the console for every picture.
set(_dv_dav1d "${DEPTHVIEW_TC}/src/dav1d")
if(NOT EXISTS "${_dv_dav1d}/include/dav1d/dav1d.h")
  message(FATAL_ERROR "${_dv_dav1d}/include/dav1d/dav1d.h is missing: run scripts/setup")
endif()
set(_dv_dav1d_cfg "${CMAKE_BINARY_DIR}/dav1d-config")
file(CONFIGURE OUTPUT "${_dv_dav1d_cfg}/config.h" CONTENT "/* dav1d built by depthview (cmake/DepthviewHeifSources.cmake) */
#define CONFIG_8BPC 1
#define CONFIG_16BPC 1
#define CONFIG_LOG 0
#define HAVE_ASM 0
#define TRIM_DSP_FUNCTIONS 0
#define HAVE_C11_GENERIC 1
#define HAVE_CLOCK_GETTIME 1
#define HAVE_POSIX_MEMALIGN 1
#define HAVE_SYS_TYPES_H 1
#define HAVE_UNISTD_H 1
#define ENDIANNESS_BIG 0
")
file(STRINGS "${_dv_dav1d}/meson.build" _dv_dav1d_project REGEX "version: '[0-9.]+'")
string(REGEX MATCH "[0-9]+\\.[0-9]+\\.[0-9]+" _dv_dav1d_version "${_dv_dav1d_project}")
file(CONFIGURE OUTPUT "${_dv_dav1d_cfg}/vcs_version.h" CONTENT "#define DAV1D_VERSION \"${_dv_dav1d_version}\"\n")

function(_dv_dav1d_target name)
  target_include_directories(${name} PRIVATE "${_dv_dav1d}" "${_dv_dav1d}/include" "${_dv_dav1d}/include/dav1d"
                                             "${_dv_dav1d_cfg}")
  target_compile_definitions(${name} PRIVATE _GNU_SOURCE ${ARGN})
  target_compile_options(${name} PRIVATE -w)
endfunction()
set(_dv_dav1d_sources "")
foreach(_dv_f cdf cpu ctx data decode dequant_tables getbits intra_edge itx_1d lf_mask lib log mem msac obu pal
              picture qm ref refmvs scan tables thread_task warpmv wedge)
  list(APPEND _dv_dav1d_sources "${_dv_dav1d}/src/${_dv_f}.c")
endforeach()
set(_dv_dav1d_tmpl "")
foreach(_dv_f cdef_apply cdef fg_apply filmgrain ipred_prepare ipred itx lf_apply loopfilter looprestoration
              lr_apply mc recon)
  list(APPEND _dv_dav1d_tmpl "${_dv_dav1d}/src/${_dv_f}_tmpl.c")
endforeach()
add_library(dv_dav1d_8bpc OBJECT ${_dv_dav1d_tmpl})
_dv_dav1d_target(dv_dav1d_8bpc BITDEPTH=8)
add_library(dv_dav1d_16bpc OBJECT ${_dv_dav1d_tmpl})
_dv_dav1d_target(dv_dav1d_16bpc BITDEPTH=16)
add_library(dv_dav1d STATIC ${_dv_dav1d_sources} $<TARGET_OBJECTS:dv_dav1d_8bpc> $<TARGET_OBJECTS:dv_dav1d_16bpc>)
_dv_dav1d_target(dv_dav1d)
target_include_directories(dv_dav1d SYSTEM PUBLIC "${_dv_dav1d}/include")

target_sources(dv_heif PRIVATE "${_dv_heif}/libheif/plugins/decoder_dav1d.cc")
target_compile_definitions(dv_heif PRIVATE HAVE_DAV1D=1)
target_link_libraries(dv_heif PRIVATE dv_dav1d)
