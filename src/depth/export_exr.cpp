// EXR output through Debian's tinyexr (implementation compiled in single_header_libs.cpp).
#include <stdexcept>

#include <tinyexr.h>

#include "depth/export.h"

namespace dv::depth {

void write_exr(const std::string& path, const DepthMap& map) {
  validate(map, path.c_str());
  const char* err = nullptr;
  if (SaveEXR(map.values.data(), map.width, map.height, 1, /*save_as_fp16=*/0, path.c_str(), &err) < 0) {
    const std::string reason = err ? err : "unknown error";
    if (err) FreeEXRErrorMessage(err);
    throw std::runtime_error("cannot write " + path + " (" + reason + ")");
  }
}

}  // namespace dv::depth
