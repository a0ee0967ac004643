// The implementations of Debian's single-header libraries tinyexr and tinygltf, compiled here
// once so the native and the wasm build carry the same code (Debian's prebuilt libraries are
// native-only).
#include <stb/stb_image.h>        // declarations only: stb's implementation is in image.cpp
#include <stb/stb_image_write.h>  // and in export.cpp
#include <zlib.h>                 // tinyexr compresses with zlib (TINYEXR_USE_MINIZ is 0)

#define TINYEXR_USE_OPENMP 0
#define TINYEXR_IMPLEMENTATION
#include <tinyexr.h>

#define TINYGLTF_IMPLEMENTATION
#define TINYGLTF_NO_INCLUDE_STB_IMAGE
#define TINYGLTF_NO_INCLUDE_STB_IMAGE_WRITE
#define TINYGLTF_NO_EXTERNAL_IMAGE  // a model never reads files next to it
#include <tiny_gltf.h>
