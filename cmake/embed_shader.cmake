# cmake -DIN=shader.glsl -DOUT=shader.inc -DNAME=kReliefVert -P embed_shader.cmake
# A shader file as a C++ raw string, so both builds carry the same shader bodies.
file(READ "${IN}" body)
file(WRITE "${OUT}" "// Generated from ${IN} by cmake/embed_shader.cmake; edit the shader, not this file.\nstatic const char ${NAME}[] = R\"dv_glsl(\n${body})dv_glsl\";\n")
