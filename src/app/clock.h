// The viewer's steady clock in milliseconds (frame pacing, timings, touch quiet time).
#pragma once

#include <chrono>

namespace dv::app {

inline double now_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace dv::app
