// How int8 mode runs on this CPU, decided once per process.
//
// In the relaxed-SIMD wasm build XNNPACK picks its int8 GEMM kernels by what relaxed SIMD's
// integer dot product computes, not by how fast it is: on x86 V8 turns it into one instruction
// only with AVX-VNNI, and without it XNNPACK's 16-bit-dot kernels (those of the SIMD128 build) can
// be faster. choose_int8_kernels times both dot products and, where the relaxed one does not pay,
// tells XNNPACK to use the 16-bit ones. It must run before XNNPACK creates its first operator.
// int8_speedup then times an fp32 and an int8 matrix product as XNNPACK runs them.
#pragma once

#include <string>

namespace dv {

struct Int8Kernels {
  std::string name;        // e.g. "relaxed-SIMD dot product (4x8c8)"
  double dot_ratio = 0.0;  // time of the 16-bit dot / time of the relaxed one (0: not measured)
};

// Measured on the first call (a few ms in the relaxed-SIMD build; nothing to choose elsewhere).
const Int8Kernels& choose_int8_kernels();

// fp32 time / int8 time of a [128 x 256] x [256 x 256] product (quantizing the activations
// included), single-threaded, best of a few runs; measured on the first call (~20 ms). Needs
// XNNPACK initialised. 0 when it cannot be measured.
double int8_speedup();

}  // namespace dv
