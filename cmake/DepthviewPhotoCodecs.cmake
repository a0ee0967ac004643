# Photo codecs from Debian packages (natively; the wasm build gets them later, built from Debian's
# source tarballs). Without one, decode_image still recognises the format and says it is not in
# the build.
#   DEPTHVIEW_HEIF  HEIC / AVIF / HEIF with libheif (libheif-dev: libde265, dav1d, aom)
#   DEPTHVIEW_WEBP  WebP with libwebp (libwebp-dev: libwebp, libwebpdemux)
if(EMSCRIPTEN)
  set(_dv_codecs_default OFF)
else()
  set(_dv_codecs_default ON)
endif()
option(DEPTHVIEW_HEIF "HEIC/AVIF photos with Debian's libheif (required natively)" ${_dv_codecs_default})
option(DEPTHVIEW_WEBP "WebP photos with Debian's libwebp (required natively)" ${_dv_codecs_default})
if(DEPTHVIEW_HEIF OR DEPTHVIEW_WEBP)
  find_package(PkgConfig REQUIRED)
endif()
# GLOBAL: the tests link libheif too (they encode HEIFs with an orientation through its API).
if(DEPTHVIEW_HEIF)
  pkg_check_modules(LIBHEIF REQUIRED IMPORTED_TARGET GLOBAL libheif)
endif()
if(DEPTHVIEW_WEBP)
  pkg_check_modules(LIBWEBP REQUIRED IMPORTED_TARGET GLOBAL libwebp libwebpdemux)
endif()
