#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include <pthreadpool.h>

#include "engine/thread_pool.h"

namespace {

struct Seen {
  std::mutex mutex;
  std::set<std::thread::id> ids;
  std::atomic<int> items{0};
};

void record(void* context, size_t) {
  auto* seen = static_cast<Seen*>(context);
  // Long enough that one thread cannot finish every item before the others wake up.
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  seen->items++;
  std::lock_guard<std::mutex> lock(seen->mutex);
  seen->ids.insert(std::this_thread::get_id());
}

}  // namespace

TEST_CASE("XNNPACK initialises") {
  std::string error;
  CHECK_MESSAGE(dv::xnnpack_ready(&error), error);
  CHECK(dv::xnnpack_ready());  // idempotent
}

TEST_CASE("a pool of 2 really runs work on 2 threads") {
  dv::ThreadPool pool(2);
  REQUIRE(pool.get() != nullptr);
  CHECK(pool.threads() == 2);
  Seen seen;
  pthreadpool_parallelize_1d(pool.get(), record, &seen, 64, 0);
  CHECK(seen.items == 64);
  CHECK(seen.ids.size() == 2);
}

TEST_CASE("threads <= 1 means no pool and work on the caller") {
  dv::ThreadPool pool(1);
  CHECK(pool.get() == nullptr);
  CHECK(pool.threads() == 1);
}
