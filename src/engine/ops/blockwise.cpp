// onnxruntime's 4-bit MatMuls (domain com.microsoft), as the "q4", "q4f16" and "bnb4" files use them:
//   MatMulNBits(A, B, scales[, zero_points]): B [N, ceil(K / block), block * bits / 8] holds codes
//     packed low bits first along K, each block of K with a scale and a zero point (default
//     2^(bits-1), packed the same way, or float);  Y = A × dequant(B)ᵀ.
//   MatMulBnb4(A, B, absmax): B [(N * K + 1) / 2] holds 4-bit indices into the NF4 or FP4 table of
//     bitsandbytes, high nibble first, over [N, K] flattened in blocks with one absmax each.
// Both become MatMul(A, W) at load, W dequantized and held as int8 with one scale per output
// column (Int8Weights): a quarter of the float size, run by XNNPACK's qd8 kernels.
#include <cmath>

#include "engine/ops/infer_helpers.h"
#include "engine/ops/quantized.h"
#include "engine/ops/registry.h"

namespace dv::ops {
namespace {

struct Dims {
  size_t K = 0, N = 0, block = 0;
};

Dims dims_of(const Op& op, size_t max_block_exponent) {
  const int64_t K = op.attr_int("K", 0), N = op.attr_int("N", 0), block = op.attr_int("block_size", 0);
  if (K < 1 || N < 1 || K > (int64_t(1) << 20) || N > (int64_t(1) << 20) || K * N > int64_t(ir::kMaxTensorElements))
    fail(op, "invalid K or N attributes");
  bool power_of_two = block >= 16 && (block & (block - 1)) == 0 && block <= (int64_t(1) << max_block_exponent);
  if (!power_of_two) fail(op, "block_size " + std::to_string(block) + " is not a power of two from 16 up");
  return {size_t(K), size_t(N), size_t(block)};
}

void require_size(const Op& op, const Value& v, size_t want, const std::string& what, const Dims& d) {
  if (v.bytes.size() + v.f32.size() != want)
    fail(op, "the " + what + " '" + v.name + "' has " + std::to_string(v.bytes.size() + v.f32.size()) +
                 " values; K " + std::to_string(d.K) + ", N " + std::to_string(d.N) + " and block_size " +
                 std::to_string(d.block) + " need " + std::to_string(want));
}

void replace_with_matmul(Graph& g, int index, const Dims& d, const std::string& name, const std::vector<float>& rows) {
  const int w = weight_from_floats(g, name + "_int8", {int64_t(d.K), int64_t(d.N)}, WeightLayout::transposed, d.N,
                                   d.K, rows, true);
  g.ops[size_t(index)].type = "MatMul";
  ir::set_inputs(g, index, {g.ops[size_t(index)].input(0), w});
}

void no_extra_inputs(const Op& op, size_t first) {
  for (size_t i = first; i < op.inputs.size(); ++i)
    if (op.input(i) >= 0)
      unsupported(op, i == 4 ? "g_idx (act-order) is not supported" : "input " + std::to_string(i) + " is not supported");
}

// The `bits`-wide field `index` of a buffer packed low bits first.
uint32_t field(const std::vector<uint8_t>& packed, size_t index, uint32_t bits) {
  const size_t per_byte = 8 / bits;
  return (packed[index / per_byte] >> ((index % per_byte) * bits)) & ((1u << bits) - 1);
}

void rewrite_matmul_nbits(Graph& g, int index) {
  const Op& op = g.ops[size_t(index)];
  const Dims d = dims_of(op, 16);
  const auto bits = uint32_t(op.attr_int("bits", 4));
  if (bits != 2 && bits != 4 && bits != 8) unsupported(op, "bits " + std::to_string(bits) + " is not supported");
  no_extra_inputs(op, 4);
  const size_t blocks = (d.K + d.block - 1) / d.block, blob = d.block * bits / 8;
  const Value& b = constant_input(g, op, 1, "weight B");
  if (b.dtype != DType::U8) fail(op, "the weight B must be uint8");
  require_size(op, b, d.N * blocks * blob, "weight B", d);
  const Value& s = constant_input(g, op, 2, "scale");
  if (s.dtype != DType::F32) fail(op, "the scales must be float");
  require_size(op, s, d.N * blocks, "scale", d);
  const Value* zp = op.input(3) >= 0 ? &constant_input(g, op, 3, "zero point") : nullptr;
  const size_t zp_row_bytes = (blocks * bits + 7) / 8;
  if (zp && zp->dtype == DType::U8) require_size(op, *zp, d.N * zp_row_bytes, "zero point", d);
  else if (zp && zp->dtype == DType::F32) require_size(op, *zp, d.N * blocks, "zero point", d);
  else if (zp) fail(op, "the zero point '" + zp->name + "' must be uint8 (packed) or float");
  std::vector<float> rows(d.N * d.K);
  const auto default_zp = float(1u << (bits - 1));
  for (size_t n = 0; n < d.N; ++n)
    for (size_t k = 0; k < d.K; ++k) {
      const size_t blk = k / d.block, at = n * blocks + blk;
      const float zero = !zp                      ? default_zp
                         : zp->dtype == DType::F32 ? zp->f32[at]
                                                   : float(field(zp->bytes, n * zp_row_bytes * 8 / bits + blk, bits));
      const auto code = float(field(b.bytes, (n * blocks + blk) * d.block + k % d.block, bits));
      rows[n * d.K + k] = (code - zero) * s.f32[at];
    }
  replace_with_matmul(g, index, d, b.name, rows);
}

// bitsandbytes' code books (the values ORT's MatMulBnb4 dequantizes with), by quant_type.
constexpr float kFp4[16] = {0.0f,  5.208333333e-03f,  0.66666667f,  1.0f,  0.33333333f,  0.5f,  0.16666667f,  0.25f,
                            -0.0f, -5.208333333e-03f, -0.66666667f, -1.0f, -0.33333333f, -0.5f, -0.16666667f, -0.25f};
constexpr float kNf4[16] = {-1.0f,
                            -0.6961928009986877f,
                            -0.5250730514526367f,
                            -0.39491748809814453f,
                            -0.28444138169288635f,
                            -0.18477343022823334f,
                            -0.09105003625154495f,
                            0.0f,
                            0.07958029955625534f,
                            0.16093020141124725f,
                            0.24611230194568634f,
                            0.33791524171829224f,
                            0.44070982933044434f,
                            0.5626170039176941f,
                            0.7229568362236023f,
                            1.0f};

void rewrite_matmul_bnb4(Graph& g, int index) {
  const Op& op = g.ops[size_t(index)];
  const Dims d = dims_of(op, 16);
  const int64_t quant_type = op.attr_int("quant_type", -1);
  if (quant_type != 0 && quant_type != 1) fail(op, "quant_type must be 0 (FP4) or 1 (NF4)");
  const float* table = quant_type == 0 ? kFp4 : kNf4;
  no_extra_inputs(op, 3);
  const size_t count = d.N * d.K;
  const Value& b = constant_input(g, op, 1, "weight B");
  if (b.dtype != DType::U8) fail(op, "the weight B must be uint8");
  require_size(op, b, (count + 1) / 2, "weight B", d);
  const Value& absmax = constant_input(g, op, 2, "absmax");
  if (absmax.dtype != DType::F32) fail(op, "absmax must be float");
  require_size(op, absmax, (count + d.block - 1) / d.block, "absmax", d);
  std::vector<float> rows(count);
  for (size_t i = 0; i < count; ++i) {
    const uint8_t pair = b.bytes[i / 2];
    rows[i] = table[i % 2 == 0 ? pair >> 4 : pair & 0x0F] * absmax.f32[i / d.block];
  }
  replace_with_matmul(g, index, d, b.name, rows);
}

}  // namespace

void add_blockwise_ops(std::vector<OpDef>& table) {
  table.push_back(
      {.type = "MatMulNBits", .domain = "com.microsoft", .rewrite = rewrite_matmul_nbits, .reads_8bit = true});
  table.push_back(
      {.type = "MatMulBnb4", .domain = "com.microsoft", .rewrite = rewrite_matmul_bnb4, .reads_8bit = true});
}

}  // namespace dv::ops
