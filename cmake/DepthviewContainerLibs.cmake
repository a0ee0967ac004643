# The libraries of the camera's depth embedded in phone JPEGs (src/media/container), as two targets:
#   dv_pugixml  XMP parsing (pugixml; its types are in media/container/xmp.h, so users see it)
#   dv_b64      GDepth's base64 (libb64)
# Natively Debian's packages (libpugixml-dev, libb64-dev); in wasm compiled from the trixie sources
# scripts/setup unpacks (scripts/lib/codecs.sh), as libpng is.
if(NOT EMSCRIPTEN)
  find_package(pugixml REQUIRED)
  find_path(B64_INCLUDE_DIR b64/cdecode.h REQUIRED)
  find_library(B64_LIBRARY b64 REQUIRED)
  add_library(dv_pugixml INTERFACE)
  target_link_libraries(dv_pugixml INTERFACE pugixml::pugixml)
  add_library(dv_b64 INTERFACE)
  target_include_directories(dv_b64 SYSTEM INTERFACE "${B64_INCLUDE_DIR}")
  target_link_libraries(dv_b64 INTERFACE "${B64_LIBRARY}")
  return()
endif()

set(_dv_src "${DEPTHVIEW_TC}/src")
foreach(_dv_lib pugixml/src/pugixml.cpp libb64/include/b64/cdecode.h)
  if(NOT EXISTS "${_dv_src}/${_dv_lib}")
    message(FATAL_ERROR "${_dv_src}/${_dv_lib} is missing: run scripts/setup")
  endif()
endforeach()

# Third-party code: compiled with its own warnings off, never with -Werror. pugixml's default
# configuration (exceptions on, as Debian builds it); libb64 as upstream's makefile (one line
# break every 72 encoded characters, which the decoder skips).
add_library(dv_pugixml STATIC "${_dv_src}/pugixml/src/pugixml.cpp")
target_include_directories(dv_pugixml SYSTEM PUBLIC "${_dv_src}/pugixml/src")
target_compile_options(dv_pugixml PRIVATE -w)

add_library(dv_b64 STATIC "${_dv_src}/libb64/src/cdecode.c" "${_dv_src}/libb64/src/cencode.c")
target_include_directories(dv_b64 SYSTEM PUBLIC "${_dv_src}/libb64/include")
target_compile_options(dv_b64 PRIVATE -w)
