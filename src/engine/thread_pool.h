// XNNPACK initialisation and the worker pool every runtime of the engine runs on.
#pragma once

#include <cstddef>
#include <string>

typedef struct pthreadpool* pthreadpool_t;

namespace dv {

// Initialises XNNPACK once per process (thread-safe). Returns false, with a message, when the
// CPU (or browser) lacks what XNNPACK needs, e.g. SIMD128.
bool xnnpack_ready(std::string* error = nullptr);

// A pool of `threads` workers (the calling thread counts as one). threads <= 1 means no pool:
// XNNPACK then runs on the caller. In wasm each worker is a Web Worker, so it must be created
// off the browser's main thread (depthview runs inference on its own pthread).
class ThreadPool {
 public:
  explicit ThreadPool(size_t threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  pthreadpool_t get() const { return pool_; }
  size_t threads() const;

 private:
  pthreadpool_t pool_ = nullptr;
};

}  // namespace dv
