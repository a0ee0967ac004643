# Codec and container library sources for the wasm build (sourced by scripts/setup): unpacked only,
# CMake compiles them (cmake/DepthviewPhotoCodecs.cmake, cmake/DepthviewContainerLibs.cmake), as for
# libpng. Natively the same libraries are Debian's shared ones (libwebp-dev, libheif-dev,
# libpugixml-dev, libb64-dev).

# unpack_source NAME FILE CHECK: $TC/src/NAME from a tarball in $DL (checked by fetch); CHECK is a
# file it must contain.
unpack_source() {
  local name=$1 file=$2 check=$3 dir=$TC/src/$1
  rm -rf "${dir:?}"; mkdir -p "$dir"
  tar xf "$DL/$file" -C "$dir" --strip-components=1
  [ -f "$dir/$check" ] || fail "$file has no $check: not the $name source?"
}

# prepare_codec_sources: libwebp's decoder and demuxer; pugixml and libb64 (embedded depth).
prepare_codec_sources() {
  unpack_source libwebp "$LIBWEBP_FILE" src/webp/decode.h
  unpack_source pugixml "$PUGIXML_FILE" src/pugixml.cpp
  unpack_source libb64 "$LIBB64_FILE" include/b64/cdecode.h
}

# The stamp's key: any pinned tarball above changing unpacks them again.
codec_sources_key() { echo "$LIBWEBP_SHA256 $PUGIXML_SHA256 $LIBB64_SHA256" | sha256sum | cut -c1-16; }
