#include "engine/int8_kernels.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include <xnnpack.h>

#if defined(__wasm_relaxed_simd__)
#include <wasm_simd128.h>

// XNNPACK's own (internal) header from the source it was built from: the flags its kernel
// choice reads.
#include "xnnpack/hardware-config.h"
#endif

namespace dv {
namespace {

using Clock = std::chrono::steady_clock;

template <typename F>
double best_seconds(int tries, F&& f) {
  double best = 1e30;
  for (int i = 0; i < tries; ++i) {
    const auto start = Clock::now();
    f();
    best = std::min(best, std::chrono::duration<double>(Clock::now() - start).count());
  }
  return best;
}

#if defined(__wasm_relaxed_simd__)

// Each pass multiplies 1 KiB of int8 by a 7-bit vector, 16 products per instruction group, on
// four independent accumulators: the inner loop of either kind of XNNPACK kernel, without memory.
constexpr int kVectors = 64, kPasses = 2000;
volatile int32_t g_sink;

double relaxed_dot_seconds(const int8_t* data, v128_t w) {
  return best_seconds(3, [&] {
    v128_t acc[4] = {wasm_i32x4_splat(0), wasm_i32x4_splat(0), wasm_i32x4_splat(0), wasm_i32x4_splat(0)};
    for (int p = 0; p < kPasses; ++p)
      for (int i = 0; i < kVectors; i += 4)
        for (int j = 0; j < 4; ++j)
          acc[j] = wasm_i32x4_relaxed_dot_i8x16_i7x16_add(wasm_v128_load(data + 16 * (i + j)), w, acc[j]);
    g_sink = wasm_i32x4_extract_lane(wasm_i32x4_add(wasm_i32x4_add(acc[0], acc[1]), wasm_i32x4_add(acc[2], acc[3])), 0);
  });
}

double dot16_seconds(const int8_t* data, v128_t w) {
  const v128_t w_lo = wasm_i16x8_extend_low_i8x16(w), w_hi = wasm_i16x8_extend_high_i8x16(w);
  return best_seconds(3, [&] {
    v128_t acc[4] = {wasm_i32x4_splat(0), wasm_i32x4_splat(0), wasm_i32x4_splat(0), wasm_i32x4_splat(0)};
    for (int p = 0; p < kPasses; ++p)
      for (int i = 0; i < kVectors; i += 4)
        for (int j = 0; j < 4; ++j) {
          const v128_t a = wasm_v128_load(data + 16 * (i + j));
          acc[j] = wasm_i32x4_add(acc[j], wasm_i32x4_dot_i16x8(wasm_i16x8_extend_low_i8x16(a), w_lo));
          acc[j] = wasm_i32x4_add(acc[j], wasm_i32x4_dot_i16x8(wasm_i16x8_extend_high_i8x16(a), w_hi));
        }
    g_sink = wasm_i32x4_extract_lane(wasm_i32x4_add(wasm_i32x4_add(acc[0], acc[1]), wasm_i32x4_add(acc[2], acc[3])), 0);
  });
}

// Below this the relaxed kernels lost to the 16-bit ones on real models (bench/web_vs_ort.mjs
// with --js-flags --no-enable-avx-vnni; the README has the figures).
constexpr double kRelaxedWorthIt = 2.5;

Int8Kernels measure() {
  std::vector<int8_t> data(16 * kVectors);
  for (size_t i = 0; i < data.size(); ++i) data[i] = int8_t((i * 37) % 255 - 127);
  volatile int8_t seven_bit = 63;  // unknown to the compiler: the loops are not folded
  const v128_t w = wasm_i8x16_splat(seven_bit);
  relaxed_dot_seconds(data.data(), w);  // warm-up (V8 tiers the code up)
  const double relaxed = relaxed_dot_seconds(data.data(), w), dot16 = dot16_seconds(data.data(), w);
  Int8Kernels k;
  k.dot_ratio = relaxed > 0 ? dot16 / relaxed : 0.0;
  auto* config = const_cast<xnn_hardware_config*>(xnn_init_hardware_config());
  const bool relaxed_kernels = config != nullptr && (config->use_wasm_sdot || config->use_wasm_usdot);
  if (relaxed_kernels && k.dot_ratio < kRelaxedWorthIt) {
    config->use_wasm_sdot = false;
    config->use_wasm_usdot = false;
    k.name = "16-bit dot product (relaxed one too slow here)";
  } else {
    k.name = relaxed_kernels ? "relaxed-SIMD dot product" : "16-bit dot product (no relaxed one)";
  }
  return k;
}

#else

Int8Kernels measure() {
#if defined(__wasm_simd128__)
  return {"16-bit dot product (SIMD128 build)", 0.0};
#elif defined(__EMSCRIPTEN__)
  return {"scalar (no SIMD build)", 0.0};
#else
  return {"XNNPACK's choice for this CPU (native)", 0.0};
#endif
}

#endif

struct OperatorDeleter {
  void operator()(xnn_operator_t op) const { xnn_delete_operator(op); }
};
using Operator = std::unique_ptr<xnn_operator, OperatorDeleter>;

double measure_speedup() {
  constexpr size_t M = 128, K = 256, N = 256;
  std::vector<float> x(M * K + XNN_EXTRA_BYTES / sizeof(float)), w(N * K), y(M * N), scale(N, 1.0f / 127);
  for (size_t i = 0; i < x.size(); ++i) x[i] = float(int(i * 13 % 29) - 14) / 14.0f;
  for (size_t i = 0; i < w.size(); ++i) w[i] = float(int(i * 7 % 31) - 15) / 15.0f;
  std::vector<int8_t> w8(N * K), x8(M * K + XNN_EXTRA_BYTES);
  for (size_t i = 0; i < w.size(); ++i) w8[i] = int8_t(std::lrint(w[i] * 127));
  std::vector<xnn_quantization_params> params(M + XNN_EXTRA_QUANTIZATION_PARAMS);
  xnn_operator_t made = nullptr;
  const float inf = INFINITY;
  if (xnn_create_fully_connected_nc_f32(K, N, K, N, w.data(), nullptr, -inf, inf, 0, nullptr, nullptr, &made) !=
      xnn_status_success)
    return 0.0;
  const Operator fp32(made);
  if (xnn_create_fully_connected_nc_qd8_f32_qc8w(K, N, K, N, scale.data(), w8.data(), nullptr, -inf, inf, 0, nullptr,
                                                 nullptr, &made) != xnn_status_success)
    return 0.0;
  const Operator int8(made);
  if (xnn_create_convert_nc_f32_qd8(0, &made) != xnn_status_success) return 0.0;
  const Operator convert(made);
  if (xnn_reshape_fully_connected_nc_f32(fp32.get(), M, nullptr) != xnn_status_success ||
      xnn_setup_fully_connected_nc_f32(fp32.get(), x.data(), y.data()) != xnn_status_success ||
      xnn_reshape_convert_nc_f32_qd8(convert.get(), M, K, K, K, nullptr) != xnn_status_success ||
      xnn_setup_convert_nc_f32_qd8(convert.get(), x.data(), x8.data(), params.data()) != xnn_status_success ||
      xnn_reshape_fully_connected_nc_qd8_f32_qc8w(int8.get(), M, nullptr) != xnn_status_success ||
      xnn_setup_fully_connected_nc_qd8_f32_qc8w(int8.get(), x8.data(), y.data(), params.data()) != xnn_status_success)
    return 0.0;
  auto run_fp32 = [&] { xnn_run_operator(fp32.get(), nullptr); };
  auto run_int8 = [&] {
    xnn_run_operator(convert.get(), nullptr);
    xnn_run_operator(int8.get(), nullptr);
  };
  run_fp32();
  run_int8();
  double t32 = 1e30, t8 = 1e30;
  for (int round = 0; round < 3; ++round) {  // interleaved: a busy moment hurts both alike
    t32 = std::min(t32, best_seconds(2, run_fp32));
    t8 = std::min(t8, best_seconds(2, run_int8));
  }
  return t8 > 0 ? t32 / t8 : 0.0;
}

}  // namespace

const Int8Kernels& choose_int8_kernels() {
  static std::once_flag once;
  static Int8Kernels kernels;
  std::call_once(once, [] { kernels = measure(); });
  return kernels;
}

double int8_speedup() {
  static std::once_flag once;
  static double speedup = 0.0;
  std::call_once(once, [] { speedup = measure_speedup(); });
  return speedup;
}

}  // namespace dv
