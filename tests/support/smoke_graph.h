// A small XNNPACK subgraph (conv 3x3 + clamp + bilinear 2x resize + add), the naive C++
// reference it must match, and a runner: shared by the smoke test and bench/xnn_smoke_bench.
//
//   x[1,H,W,Cin] -conv3x3,pad1,+bias-> clamp[0,6] -resize bilinear 2x (half-pixel)-> + skip -> y
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

struct pthreadpool;
struct xnn_subgraph;
struct xnn_runtime;

namespace dv::testing {

struct SmokeShape {
  int h = 32, w = 32, cin = 8, cout = 16;
  int out_h() const { return 2 * h; }
  int out_w() const { return 2 * w; }
  size_t out_size() const { return size_t(out_h()) * out_w() * cout; }
  double conv_gflop() const { return 2.0 * h * w * cout * cin * 9 / 1e9; }
};

// Deterministic random inputs and weights for a shape.
struct SmokeData {
  SmokeShape shape;
  std::vector<float> x, weights, bias, skip;  // NHWC; weights OHWI; x, skip padded at the end
  static SmokeData random(const SmokeShape& shape, uint32_t seed);
};

// y = reference result, computed with doubles and plain loops.
std::vector<float> smoke_reference(const SmokeData& d);

// The XNNPACK runtime for one SmokeData on a given pool (nullptr = caller's thread). It reads
// the data's buffers on every run, so the SmokeData must outlive it.
class SmokeRuntime {
 public:
  SmokeRuntime(const SmokeData& data, pthreadpool* pool);
  ~SmokeRuntime();
  SmokeRuntime(const SmokeRuntime&) = delete;
  SmokeRuntime& operator=(const SmokeRuntime&) = delete;

  void run();  // throws std::runtime_error naming the failing XNNPACK call
  const std::vector<float>& output() const { return out_; }

 private:
  std::vector<float> out_;
  xnn_subgraph* subgraph_ = nullptr;
  xnn_runtime* runtime_ = nullptr;
};

// Largest |a-b| / max(1,|b|).
double max_relative_error(const std::vector<float>& a, const std::vector<float>& b);

}  // namespace dv::testing
