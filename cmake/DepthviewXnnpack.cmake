# XNNPACK + pthreadpool as built by scripts/setup: native, or wasm in the chosen SIMD flavour.
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

add_library(dv_xnnpack INTERFACE)
target_include_directories(dv_xnnpack SYSTEM INTERFACE "${DEPTHVIEW_XNNPACK_DIR}/include")
set(_dv_xnn_lib "${DEPTHVIEW_XNNPACK_DIR}/lib")
# Static archives, in dependency order.
target_link_libraries(dv_xnnpack INTERFACE "${_dv_xnn_lib}/libXNNPACK.a"
  "${_dv_xnn_lib}/libmicrokernels-prod.a" "${_dv_xnn_lib}/libpthreadpool.a" Threads::Threads)
if(NOT EMSCRIPTEN)
  # trixie's cpuinfo, unpacked by scripts/setup (bookworm's is too old for this XNNPACK).
  set(_dv_cpuinfo "${DEPTHVIEW_TC}/cpuinfo/usr/lib/x86_64-linux-gnu")
  target_link_libraries(dv_xnnpack INTERFACE "${_dv_cpuinfo}/libcpuinfo.so.0")
  target_link_options(dv_xnnpack INTERFACE "LINKER:-rpath,${_dv_cpuinfo}")
endif()
