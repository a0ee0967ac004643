# XNNPACK, its microkernels and pthreadpool as built by scripts/setup (native, or wasm in the chosen
# SIMD flavour), and natively trixie's cpuinfo: IMPORTED targets. dv_xnnpack is the one the engine
# links; it brings the others along in link order.
if(EMSCRIPTEN)
  set(DEPTHVIEW_XNNPACK_DIR "${DEPTHVIEW_TC}/xnnpack-wasm-${DEPTHVIEW_WASM_SIMD}")
  if(NOT DEPTHVIEW_WASM_THREADS)
    set(DEPTHVIEW_XNNPACK_DIR "${DEPTHVIEW_TC}/xnnpack-wasm-single")  # pthreadpool's single-threaded shim
  endif()
else()
  set(DEPTHVIEW_XNNPACK_DIR "${DEPTHVIEW_TC}/xnnpack-native")
endif()
if(NOT EXISTS "${DEPTHVIEW_XNNPACK_DIR}/include/xnnpack.h")
  message(FATAL_ERROR "XNNPACK not found in '${DEPTHVIEW_XNNPACK_DIR}'. Run scripts/setup first, "
                      "then configure with -DDEPTHVIEW_TC=<cache> or source scripts/env.sh.")
endif()

# dv_import_library(TARGET STATIC|SHARED FILE INCLUDE_DIR [DEPENDENCIES...])
function(dv_import_library target type file include_dir)
  add_library(${target} ${type} IMPORTED)
  set_target_properties(${target} PROPERTIES IMPORTED_LOCATION "${file}"
                                             INTERFACE_INCLUDE_DIRECTORIES "${include_dir}"
                                             INTERFACE_LINK_LIBRARIES "${ARGN}")
endfunction()

set(_dv_xnn_inc "${DEPTHVIEW_XNNPACK_DIR}/include")
set(_dv_xnn_lib "${DEPTHVIEW_XNNPACK_DIR}/lib")
dv_import_library(dv_pthreadpool STATIC "${_dv_xnn_lib}/libpthreadpool.a" "${_dv_xnn_inc}" Threads::Threads)
dv_import_library(dv_xnnpack_microkernels STATIC "${_dv_xnn_lib}/libmicrokernels-prod.a" "${_dv_xnn_inc}")
set(_dv_xnn_deps dv_xnnpack_microkernels dv_pthreadpool)
if(NOT EMSCRIPTEN)
  # trixie's cpuinfo, unpacked by scripts/setup (bookworm's is too old for this XNNPACK), in the
  # .deb's multiarch folder. CMake puts its folder into the programs' build RPATH.
  if(NOT CMAKE_LIBRARY_ARCHITECTURE)
    message(FATAL_ERROR "CMAKE_LIBRARY_ARCHITECTURE is empty: pass the multiarch name of the target "
                        "(e.g. -DCMAKE_LIBRARY_ARCHITECTURE=x86_64-linux-gnu) to find cpuinfo")
  endif()
  set(_dv_cpuinfo "${DEPTHVIEW_TC}/cpuinfo/usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/libcpuinfo.so.0")
  if(NOT EXISTS "${_dv_cpuinfo}")
    message(FATAL_ERROR "cpuinfo for ${CMAKE_LIBRARY_ARCHITECTURE} not found ('${_dv_cpuinfo}'): "
                        "scripts/setup unpacks the .debs pinned in emsdk-config/versions.env; pin this architecture's")
  endif()
  dv_import_library(dv_cpuinfo SHARED "${_dv_cpuinfo}" "${DEPTHVIEW_TC}/cpuinfo/usr/include")
  list(APPEND _dv_xnn_deps dv_cpuinfo)
endif()
dv_import_library(dv_xnnpack STATIC "${_dv_xnn_lib}/libXNNPACK.a" "${_dv_xnn_inc}" ${_dv_xnn_deps})
