# Photo codec sources for the wasm build (sourced by scripts/setup): unpacked only, CMake compiles
# them (cmake/DepthviewPhotoCodecs.cmake), as for libpng. Natively the same codecs are Debian's
# shared libraries (libwebp-dev, libheif-dev). Now: libwebp's decoder and demuxer; libheif,
# libde265 and dav1d are to follow the same way.

# prepare_codec_sources: $TC/src/libwebp from trixie's upstream tarball (checked by fetch).
prepare_codec_sources() {
  local s=$TC/src
  rm -rf "${s:?}/libwebp"; mkdir -p "$s/libwebp"
  tar xf "$DL/$LIBWEBP_FILE" -C "$s/libwebp" --strip-components=1
  [ -f "$s/libwebp/src/webp/decode.h" ] || fail "$LIBWEBP_FILE has no src/webp/decode.h: not the libwebp source?"
}
