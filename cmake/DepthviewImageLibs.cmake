# zlib, libpng and libexif compiled from the upstream sources that scripts/setup unpacked (trixie's
# source packages), the same way for the native and the wasm build.
#   dv_png  (libpng + zlib): 16-bit PNG depth maps (stb_image_write only writes 8 bits)
#   dv_exif (libexif):       JPEG orientation, so phone photos do not come out sideways
set(_dv_src "${DEPTHVIEW_TC}/src")
foreach(_dv_lib zlib/zlib.h libpng/pnglibconf.h libexif/libexif/exif-data.h)
  if(NOT EXISTS "${_dv_src}/${_dv_lib}")
    message(FATAL_ERROR "${_dv_src}/${_dv_lib} is missing: run scripts/setup")
  endif()
endforeach()

# Third-party code: compiled with its own warnings off, never with -Werror.
add_library(dv_zlib STATIC)
target_sources(dv_zlib PRIVATE
  ${_dv_src}/zlib/adler32.c ${_dv_src}/zlib/compress.c ${_dv_src}/zlib/crc32.c ${_dv_src}/zlib/deflate.c
  ${_dv_src}/zlib/infback.c ${_dv_src}/zlib/inffast.c ${_dv_src}/zlib/inflate.c ${_dv_src}/zlib/inftrees.c
  ${_dv_src}/zlib/trees.c ${_dv_src}/zlib/uncompr.c ${_dv_src}/zlib/zutil.c)
target_include_directories(dv_zlib SYSTEM PUBLIC "${_dv_src}/zlib")
target_compile_definitions(dv_zlib PRIVATE HAVE_UNISTD_H HAVE_STDARG_H)
target_compile_options(dv_zlib PRIVATE -w)
set_target_properties(dv_zlib PROPERTIES POSITION_INDEPENDENT_CODE ON)

add_library(dv_png STATIC)
foreach(_dv_f png pngerror pngget pngmem pngpread pngread pngrio pngrtran pngrutil pngset pngtrans
              pngwio pngwrite pngwtran pngwutil)
  target_sources(dv_png PRIVATE "${_dv_src}/libpng/${_dv_f}.c")
endforeach()
target_include_directories(dv_png SYSTEM PUBLIC "${_dv_src}/libpng")
# Portable C only: no NEON/SSE/MIPS/PowerPC paths (their sources are not compiled in).
target_compile_definitions(dv_png PRIVATE PNG_ARM_NEON_OPT=0 PNG_MIPS_MSA_OPT=0 PNG_MIPS_MMI_OPT=0
  PNG_POWERPC_VSX_OPT=0 PNG_INTEL_SSE_OPT=0 PNG_LOONGARCH_LSX_OPT=0 PNG_RISCV_RVV_OPT=0)
target_compile_options(dv_png PRIVATE -w)
target_link_libraries(dv_png PUBLIC dv_zlib)
set_target_properties(dv_png PROPERTIES POSITION_INDEPENDENT_CODE ON)

file(GLOB _dv_exif_sources "${_dv_src}/libexif/libexif/*.c" "${_dv_src}/libexif/libexif/*/*.c")
add_library(dv_exif STATIC ${_dv_exif_sources})
# Two headers libexif's configure would generate: config.h (no gettext/NLS needed) and
# libexif/_stdint.h (C99 <stdint.h> is everywhere). file(CONFIGURE) rewrites them only when their
# text changes: file(WRITE) gave them a new time stamp at every configure, and every configure
# (scripts/build runs one each time) then recompiled libexif and relinked every program.
set(_dv_exif_cfg "${CMAKE_BINARY_DIR}/libexif-config")
file(CONFIGURE OUTPUT "${_dv_exif_cfg}/config.h"
     CONTENT "/* libexif built by depthview: no NLS */\n#define GETTEXT_PACKAGE \"libexif\"\n")
file(CONFIGURE OUTPUT "${_dv_exif_cfg}/libexif/_stdint.h" CONTENT "#include <stdint.h>\n")
target_include_directories(dv_exif SYSTEM PUBLIC "${_dv_src}/libexif" "${_dv_exif_cfg}" PRIVATE "${_dv_src}/libexif/libexif")
target_compile_options(dv_exif PRIVATE -w)
set_target_properties(dv_exif PROPERTIES POSITION_INDEPENDENT_CODE ON)
