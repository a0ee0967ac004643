# Dear ImGui 1.90.1 (trixie's source, unpacked by scripts/setup) with its GLFW + OpenGL3 backends,
# compiled the same way for both targets. Natively: Debian's GLFW 3.3 and OpenGL 3.3 core (no loader:
# GL_GLEXT_PROTOTYPES). In the browser: Emscripten's GLFW port and WebGL2 (OpenGL ES 3).
set(_dv_imgui "${DEPTHVIEW_TC}/src/imgui")
if(NOT EXISTS "${_dv_imgui}/imgui.h")
  message(FATAL_ERROR "${_dv_imgui}/imgui.h is missing: run scripts/setup")
endif()
add_library(dv_imgui STATIC
  ${_dv_imgui}/imgui.cpp ${_dv_imgui}/imgui_draw.cpp ${_dv_imgui}/imgui_tables.cpp ${_dv_imgui}/imgui_widgets.cpp
  ${_dv_imgui}/backends/imgui_impl_glfw.cpp ${_dv_imgui}/backends/imgui_impl_opengl3.cpp)
target_include_directories(dv_imgui SYSTEM PUBLIC "${_dv_imgui}" "${_dv_imgui}/backends")
target_compile_options(dv_imgui PRIVATE -w)
if(EMSCRIPTEN)
  target_compile_definitions(dv_imgui PUBLIC IMGUI_IMPL_OPENGL_ES3)
  target_link_options(dv_imgui PUBLIC -sUSE_GLFW=3 -sMIN_WEBGL_VERSION=2 -sMAX_WEBGL_VERSION=2)
else()
  find_package(glfw3 3.3 REQUIRED)
  set(OpenGL_GL_PREFERENCE GLVND)
  find_package(OpenGL REQUIRED)
  target_link_libraries(dv_imgui PUBLIC glfw OpenGL::GL)
endif()
