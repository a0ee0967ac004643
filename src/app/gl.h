// OpenGL entry points: GL 3.3 core natively (prototypes from glcorearb.h, no loader needed with
// glvnd's libOpenGL), OpenGL ES 3 / WebGL2 in the browser. Shaders share one body; this is the
// header each dialect needs in front of it.
#pragma once

#ifdef __EMSCRIPTEN__
#include <GLES3/gl3.h>
#define DV_GLSL_HEADER "#version 300 es\nprecision highp float;\nprecision highp sampler2D;\n"
#else
#define GL_GLEXT_PROTOTYPES 1
#include <GL/glcorearb.h>
#define DV_GLSL_HEADER "#version 330 core\n"
#endif
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
