# Debian's header-only libraries, usable by both targets: each header folder is linked into one
# folder of the build tree, so the wasm build sees them without seeing the host's /usr/include.
#   protozero (libprotozero-dev): ONNX protobuf wire format
#   fp16      (libfp16-dev):      float16 <-> float32 for fp16 initializers
#   doctest   (doctest-dev):      unit tests
#   CLI       (libcli11-dev):     command-line parsing
#   stb       (libstb-dev):       image decoding, resizing and PNG writing; used from the copy
#                                 scripts/setup patched (scripts/patches/stb-*.patch)
#   nlohmann  (nlohmann-json3-dev): the model manifest (JSON)
#   xtensor, xtl (xtensor-dev):   reading .npy ground truth (depthview eval, native)
#   glm       (libglm-dev):       the viewer's camera and matrices
set(DV_DEB_INCLUDE "${CMAKE_BINARY_DIR}/deb-include")
file(MAKE_DIRECTORY "${DV_DEB_INCLUDE}")
foreach(_dv_lib protozero fp16 doctest CLI stb nlohmann xtensor xtl glm)
  set(_dv_dir "/usr/include/${_dv_lib}")
  if(_dv_lib STREQUAL "stb")
    set(_dv_dir "${DEPTHVIEW_TC}/src/stb/stb")
  endif()
  if(NOT EXISTS "${_dv_dir}")
    message(FATAL_ERROR "${_dv_dir} is missing: run scripts/setup (it installs the Debian package)")
  endif()
  file(CREATE_LINK "${_dv_dir}" "${DV_DEB_INCLUDE}/${_dv_lib}" SYMBOLIC)
endforeach()
# Single-file headers: tinyexr (EXR output) and tinygltf (GLB output), implementations compiled in
# src/depth/single_header_libs.cpp.
foreach(_dv_file tinyexr.h tiny_gltf.h)
  if(NOT EXISTS "/usr/include/${_dv_file}")
    message(FATAL_ERROR "/usr/include/${_dv_file} is missing: run scripts/setup (it installs the Debian package)")
  endif()
  file(CREATE_LINK "/usr/include/${_dv_file}" "${DV_DEB_INCLUDE}/${_dv_file}" SYMBOLIC)
endforeach()
add_library(dv_deb_headers INTERFACE)
target_include_directories(dv_deb_headers SYSTEM INTERFACE "${DV_DEB_INCLUDE}")
