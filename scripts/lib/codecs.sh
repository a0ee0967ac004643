# Codec and container library sources for the wasm build (sourced by scripts/setup): unpacked (and
# patched) only, CMake compiles them (cmake/DepthviewPhotoCodecs.cmake,
# cmake/DepthviewContainerLibs.cmake), as for libpng. Natively the same libraries are Debian's
# shared ones (libwebp-dev, libheif-dev, libpugixml-dev, libb64-dev).

# unpack_source NAME FILE CHECK: $TC/src/NAME from a tarball in $DL (checked by fetch); CHECK is a
# file it must contain.
unpack_source() {
  local name=$1 file=$2 check=$3 dir=$TC/src/$1
  rm -rf "${dir:?}"; mkdir -p "$dir"
  tar xf "$DL/$file" -C "$dir" --strip-components=1
  [ -f "$dir/$check" ] || fail "$file has no $check: not the $name source?"
}

# apply_patches DIR PATCH...: each patch (-p1) in DIR, or one message naming the one that failed.
apply_patches() {
  local dir=$1 p; shift
  for p in "$@"; do
    patch -d "$dir" -p1 --forward < "$p" || fail "$(basename "$p") does not apply to $dir"
  done
}

# Our patches of one library: scripts/patches/NAME-*.patch, in order.
our_patches() { find "$ROOT/scripts/patches" -name "$1-*.patch" | sort; }

prepare_codec_sources() {
  local s=$TC/src
  unpack_source libwebp "$LIBWEBP_FILE" src/webp/decode.h
  unpack_source pugixml "$PUGIXML_FILE" src/pugixml.cpp
  unpack_source libb64 "$LIBB64_FILE" include/b64/cdecode.h
  # libde265 as Debian ships it: its debian/patches/series (security fixes) on the upstream tarball.
  unpack_source libde265 "$LIBDE265_FILE" libde265/de265.h
  tar xf "$DL/$LIBDE265_DEBIAN_FILE" -C "$s/libde265"
  local series; series=$(grep -v -e '^#' -e '^$' "$s/libde265/debian/patches/series" | sed "s|^|$s/libde265/debian/patches/|")
  # shellcheck disable=SC2086
  apply_patches "$s/libde265" $series
  unpack_source libheif "$LIBHEIF_FILE" libheif/api/libheif/heif.h
  # shellcheck disable=SC2046
  apply_patches "$s/libheif" $(our_patches libheif)
  unpack_source dav1d "$DAV1D_FILE" include/dav1d/dav1d.h
}

# The stamp's key: a pinned tarball or one of our patches changing unpacks them all again.
codec_sources_key() {
  { echo "$LIBWEBP_SHA256 $PUGIXML_SHA256 $LIBB64_SHA256 $LIBDE265_SHA256 $LIBDE265_DEBIAN_SHA256 $LIBHEIF_SHA256 $DAV1D_SHA256"
    our_patches libheif | xargs -r cat; } | sha256sum | cut -c1-16
}
