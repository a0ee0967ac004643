// How int8 mode runs on this CPU.
//
// In the relaxed-SIMD wasm build XNNPACK checks what relaxed SIMD's integer dot product computes:
// V8 on x86 gives it XNNPACK's expected rounding only with AVX-VNNI (one instruction), and without
// it XNNPACK takes the 16-bit-dot kernels of the SIMD128 build, which are barely faster than fp32.
// So whether int8 pays is measured: int8_speedup times an fp32 and an int8 matrix product as
// XNNPACK runs them here, and the viewer offers int8 only where it wins.
#pragma once

#include <string>

namespace dv {

// Which int8 GEMM kernels XNNPACK uses here (what its hardware flags select).
const std::string& int8_kernels();

// fp32 time / int8 time of a [128 x 256] x [256 x 256] product (quantizing the activations
// included), single-threaded, best of a few runs; measured on the first call (~20 ms). Needs
// XNNPACK initialised. 0 when it cannot be measured.
double int8_speedup();

}  // namespace dv
