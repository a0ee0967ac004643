// XNNPACK smoke test: conv + clamp + resize + add against the naive reference, 1 and 2 threads.
#include <doctest/doctest.h>

#include "engine/thread_pool.h"
#include "support/smoke_graph.h"

using dv::testing::SmokeData;
using dv::testing::SmokeRuntime;
using dv::testing::SmokeShape;

namespace {
constexpr double kTolerance = 1e-4;  // fp32 with a different summation order than the reference
}

TEST_CASE("smoke subgraph matches the naive reference") {
  REQUIRE(dv::xnnpack_ready());
  const SmokeShape shapes[] = {{24, 20, 8, 16}, {7, 13, 3, 5}, {1, 1, 1, 1}};
  for (size_t threads : {size_t(1), size_t(2)}) {
    for (const SmokeShape& shape : shapes) {
      CAPTURE(threads);
      CAPTURE(shape.h);
      CAPTURE(shape.w);
      dv::ThreadPool pool(threads);
      const SmokeData data = SmokeData::random(shape, 42);
      SmokeRuntime runtime(data, pool.get());
      runtime.run();
      const double err = dv::testing::max_relative_error(runtime.output(), dv::testing::smoke_reference(data));
      CHECK(err <= kTolerance);
      runtime.run();  // a second run gives the same answer
      CHECK(dv::testing::max_relative_error(runtime.output(), dv::testing::smoke_reference(data)) ==
            doctest::Approx(err));
    }
  }
}

TEST_CASE("the comparison catches a wrong result") {
  const SmokeData data = SmokeData::random({6, 6, 2, 3}, 1);
  std::vector<float> wrong = dv::testing::smoke_reference(data);
  wrong[wrong.size() / 2] += 0.01f;
  CHECK(dv::testing::max_relative_error(wrong, dv::testing::smoke_reference(data)) > kTolerance);
}
