#include "engine/int8_kernels.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include <xnnpack.h>

#include "engine/xnn/operator.h"

#if defined(__wasm_relaxed_simd__)
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

std::string kernel_name() {
  const xnn_hardware_config* config = xnn_init_hardware_config();
  if (config != nullptr && config->use_wasm_sdot) return "relaxed-SIMD dot product (signed)";
  if (config != nullptr && config->use_wasm_usdot) return "relaxed-SIMD dot product (unsigned x signed)";
  return "16-bit dot product (the relaxed-SIMD one saturates on this CPU)";
}

#else

std::string kernel_name() {
#if defined(__wasm_simd128__)
  return "16-bit dot product (SIMD128 build)";
#elif defined(__EMSCRIPTEN__)
  return "scalar (no SIMD build)";
#else
  return "XNNPACK's choice for this CPU (native)";
#endif
}

#endif

using xnn::Operator;

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

const std::string& int8_kernels() {
  static const std::string name = kernel_name();
  return name;
}

double int8_speedup() {
  static std::once_flag once;
  static double speedup = 0.0;
  std::call_once(once, [] { speedup = measure_speedup(); });
  return speedup;
}

}  // namespace dv
