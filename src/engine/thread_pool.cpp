#include "engine/thread_pool.h"

#include <mutex>
#include <stdexcept>

#include <pthreadpool.h>
#include <xnnpack.h>

namespace dv {

bool xnnpack_ready(std::string* error) {
  static std::once_flag once;
  static xnn_status status = xnn_status_uninitialized;
  std::call_once(once, [] { status = xnn_initialize(/*allocator=*/nullptr); });
  if (status != xnn_status_success && error != nullptr) {
    *error = status == xnn_status_unsupported_hardware
                 ? "XNNPACK does not support this CPU/browser (SIMD128 is required)"
                 : "XNNPACK failed to initialise (status " + std::to_string(static_cast<int>(status)) + ")";
  }
  return status == xnn_status_success;
}

ThreadPool::ThreadPool(size_t threads) {
  if (threads <= 1) return;
  pool_ = pthreadpool_create(threads);
  if (pool_ == nullptr) {
    throw std::runtime_error("cannot start " + std::to_string(threads) +
                             " worker threads (in a browser: the page is not cross-origin isolated)");
  }
}

ThreadPool::~ThreadPool() {
  if (pool_ != nullptr) pthreadpool_destroy(pool_);
}

size_t ThreadPool::threads() const { return pool_ != nullptr ? pthreadpool_get_threads_count(pool_) : 1; }

}  // namespace dv
