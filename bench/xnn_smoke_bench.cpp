// xnn_smoke_bench [THREADS=2] [RUNS=9]: the XNNPACK smoke graph (conv 3x3 + clamp + resize 2x +
// add) at several sizes, 1 thread vs THREADS threads run alternately, median of RUNS runs after warm-up.
// Prints a table with the speed-up; the same program runs natively and as wasm under node.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <utility>
#include <vector>

#include "engine/build_info.h"
#include "engine/thread_pool.h"
#include "support/smoke_graph.h"

namespace {

double time_ms(dv::testing::SmokeRuntime& runtime) {
  const auto t0 = std::chrono::steady_clock::now();
  runtime.run();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

// Median times of `a` and `b`, run alternately so machine noise hits both alike.
std::pair<double, double> median_pair_ms(dv::testing::SmokeRuntime& a, dv::testing::SmokeRuntime& b, int runs) {
  for (int i = 0; i < 2; ++i) {  // warm-up: first touch of buffers, pool start
    a.run();
    b.run();
  }
  std::vector<double> ta, tb;
  for (int i = 0; i < runs; ++i) {
    ta.push_back(time_ms(a));
    tb.push_back(time_ms(b));
  }
  return {median(ta), median(tb)};
}

}  // namespace

int main(int argc, char** argv) {
  const size_t threads = argc > 1 ? size_t(std::atoi(argv[1])) : 2;
  const int runs = std::max(1, argc > 2 ? std::atoi(argv[2]) : 9);
  std::string error;
  if (!dv::xnnpack_ready(&error)) {
    std::fprintf(stderr, "xnn_smoke_bench: %s\n", error.c_str());
    return 1;
  }
  const dv::BuildInfo& info = dv::build_info();
  std::printf("xnn_smoke_bench: platform=%s simd=%s, 1 vs %zu threads, median of %d runs\n", info.platform, info.simd,
              threads, runs);
  std::printf("%-22s %8s %10s %10s %8s\n", "shape HxWxCin->Cout", "GFLOP", "1 thr ms", "N thr ms", "speed-up");
  const dv::testing::SmokeShape shapes[] = {{32, 32, 8, 16}, {96, 96, 16, 32}, {128, 128, 32, 64}, {192, 192, 32, 64}};
  dv::ThreadPool pool(threads);
  for (const auto& shape : shapes) {
    const auto data = dv::testing::SmokeData::random(shape, 3);
    dv::testing::SmokeRuntime one(data, nullptr), many(data, pool.get());
    const auto [t1, tn] = median_pair_ms(one, many, runs);
    char name[64];
    std::snprintf(name, sizeof name, "%dx%dx%d->%d", shape.h, shape.w, shape.cin, shape.cout);
    std::printf("%-22s %8.3f %10.3f %10.3f %7.2fx\n", name, shape.conv_gflop(), t1, tn, t1 / tn);
  }
  return 0;
}
