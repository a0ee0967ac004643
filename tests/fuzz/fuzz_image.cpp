// libFuzzer target: photo bytes -> format detection, header size check, decoding (stb, libpng),
// EXIF orientation (libexif). Bad bytes must give an ImageError, nothing else.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <span>

#include "depth/image.h"
#include "depth/orientation.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  (void)dv::depth::exif_orientation(bytes);
  try {
    // A lower pixel limit than the app's keeps each input's memory small for the fuzzer.
    const dv::depth::Image img = dv::depth::decode_image(bytes, "fuzz", 4'000'000);
    if (img.rgb.size() != size_t(img.width) * size_t(img.height) * 3) std::abort();
  } catch (const dv::depth::ImageError&) {
  }
  try {
    (void)dv::depth::decode_grey16(bytes, "fuzz", 4'000'000);
  } catch (const dv::depth::ImageError&) {
  }
  return 0;
}
