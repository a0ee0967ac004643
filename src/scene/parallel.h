// Splits [0, n) into one contiguous range per thread. std::thread, so it works natively and in a
// pthreads wasm build; threads <= 1 runs inline, and so does everything in a wasm build without
// pthreads (it cannot start a thread).
#pragma once

#include <algorithm>
#include <cstddef>
#include <thread>
#include <vector>

namespace dv::scene {

template <class Body>  // Body(size_t begin, size_t end)
void parallel_ranges(size_t n, int threads, const Body& body) {
#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
  threads = 1;
#endif
  const size_t parts = std::min(n, size_t(std::max(1, threads)));
  if (parts <= 1) {
    if (n > 0) body(size_t(0), n);
    return;
  }
  std::vector<std::thread> workers;
  workers.reserve(parts - 1);
  for (size_t p = 1; p < parts; ++p)
    workers.emplace_back([&body, n, p, parts] { body(n * p / parts, n * (p + 1) / parts); });
  body(0, n / parts);
  for (auto& w : workers) w.join();
}

}  // namespace dv::scene
