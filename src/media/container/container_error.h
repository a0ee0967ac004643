// The one error type of media/container: a photo's embedded depth is damaged or inconsistent.
#pragma once

#include <stdexcept>

namespace dv::media {

// One clear message naming the damaged part (segment, XMP property or item) and what is wrong.
// A photo that simply has no embedded depth is not an error (see read_embedded_depth).
struct ContainerError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace dv::media
