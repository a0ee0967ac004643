# Compiler flags shared by every depthview target (through the dv_flags interface target).
add_library(dv_flags INTERFACE)
target_compile_options(dv_flags INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
  $<$<BOOL:${DEPTHVIEW_WERROR}>:-Werror>)
find_package(Threads REQUIRED)

if(EMSCRIPTEN)
  # Everything in a -pthread module must be compiled with -pthread (atomics, bulk memory).
  # Errors are C++ exceptions; Emscripten's default can throw but not catch them, and its JS-based
  # catching wraps calls in JS trampolines: use native wasm exception handling.
  set(_dv_wasm_flags -msimd128 -fwasm-exceptions)
  if(DEPTHVIEW_WASM_THREADS)
    list(APPEND _dv_wasm_flags -pthread)
  endif()
  if(DEPTHVIEW_WASM_SIMD STREQUAL "relaxed")
    list(APPEND _dv_wasm_flags -mrelaxed-simd)
  elseif(NOT DEPTHVIEW_WASM_SIMD STREQUAL "simd")
    message(FATAL_ERROR "DEPTHVIEW_WASM_SIMD must be simd or relaxed, not '${DEPTHVIEW_WASM_SIMD}'")
  endif()
  add_compile_options(${_dv_wasm_flags})
  add_link_options(${_dv_wasm_flags})
elseif(DEPTHVIEW_SANITIZE)
  add_compile_options(-fsanitize=${DEPTHVIEW_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${DEPTHVIEW_SANITIZE})
endif()
if(DEPTHVIEW_FUZZ)
  # Coverage instrumentation everywhere; the fuzz targets link libFuzzer's main (tests/fuzz).
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

# dv_wasm_program(TARGET [WEB]): link options for a wasm program: main() on its own pthread (so
# nothing ever blocks the browser's main thread) and memory that can grow. Without WEB it runs
# under node with the real file system (tests read ../shared); with WEB it runs in a page.
function(dv_wasm_program target)
  if(NOT EMSCRIPTEN)
    return()
  endif()
  target_link_options(${target} PRIVATE -sPROXY_TO_PTHREAD=1 -sEXIT_RUNTIME=1 -sALLOW_MEMORY_GROWTH=1
    -sMAXIMUM_MEMORY=4GB -sSTACK_SIZE=1MB -Wno-pthreads-mem-growth)
  if(DEPTHVIEW_WASM_THREADS)
    # An exit race of Emscripten 3.1.69's pthread clean-up (see the file).
    set(_dv_cleanup_fix "${PROJECT_SOURCE_DIR}/cmake/wasm_cleanup_thread.js")
    target_link_options(${target} PRIVATE "--js-library=${_dv_cleanup_fix}")
    set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS "${_dv_cleanup_fix}")
  endif()
  if("WEB" IN_LIST ARGN)
    target_link_options(${target} PRIVATE -sENVIRONMENT=web,worker)
  else()
    target_link_options(${target} PRIVATE -sNODERAWFS=1 -sENVIRONMENT=node,worker)
  endif()
endfunction()
