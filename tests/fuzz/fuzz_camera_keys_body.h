// The body of fuzz_camera_keys (tests/fuzz/fuzz_camera_keys.cpp), shared with the regression test
// that replays its findings (tests/test_parallax.cpp): any text as parallax keyframes (the CLI's
// --keys, the viewer's keys field) gives keys whose path is finite everywhere, or one
// std::invalid_argument; nothing else.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "scene/parallax.h"

namespace dv::fuzz {

inline int fuzz_camera_keys_one(const uint8_t* data, size_t size) {
  scene::ParallaxOptions o;
  try {
    o.keys = scene::parse_camera_keys(std::string(reinterpret_cast<const char*>(data), size));
  } catch (const std::invalid_argument&) {
    return 0;
  }
  if (o.keys.empty()) std::abort();
  o.path = scene::ParallaxPath::Keyframes;
  o.seconds = 1.0f, o.fps = 16.0f;
  scene::check_parallax_options(o, 64, 48);  // parsed keys are valid keys
  for (int i = 0; i < scene::parallax_frame_count(o); ++i) {
    const auto c = scene::camera_offset(o, i);
    if (!std::isfinite(c.x) || !std::isfinite(c.y) || !std::isfinite(c.z)) std::abort();
  }
  return 0;
}

}  // namespace dv::fuzz
