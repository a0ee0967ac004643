#include "engine/kernels/int8_batch_matmul.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include <pthreadpool.h>
#include <xnnpack.h>

#include "engine/xnn/emitter.h"
#include "engine/xnn/operator.h"

namespace dv::kernels {
namespace {

using xnn::check;

// Columns quantized together: their maxima stay in registers while the rows stream by.
constexpr size_t kColumnTile = 64;

struct ColumnQuantization {
  const float* b;
  int8_t* q;
  float* scale;
  size_t k, n;
};

// One tile of columns of one batch of B ([K, N]): symmetric int8 with a scale per column.
void quantize_column_tile(void* context, size_t batch, size_t tile) {
  const auto& c = *static_cast<const ColumnQuantization*>(context);
  const size_t n0 = tile * kColumnTile, width = std::min(c.n, n0 + kColumnTile) - n0;
  const float* b = c.b + batch * c.k * c.n + n0;
  int8_t* q = c.q + batch * c.k * c.n + n0;
  float maxabs[kColumnTile] = {};
  for (size_t k = 0; k < c.k; ++k)
    for (size_t j = 0; j < width; ++j) maxabs[j] = std::max(maxabs[j], std::fabs(b[k * c.n + j]));
  float inverse[kColumnTile];
  for (size_t j = 0; j < width; ++j) {
    const float s = maxabs[j] > 0.0f ? maxabs[j] / 127.0f : 1.0f;
    c.scale[batch * c.n + n0 + j] = s;
    inverse[j] = 1.0f / s;
  }
  for (size_t k = 0; k < c.k; ++k)
    for (size_t j = 0; j < width; ++j) q[k * c.n + j] = int8_t(std::nearbyint(b[k * c.n + j] * inverse[j]));
}

size_t aligned(size_t bytes) { return (bytes + kScratchAlignment - 1) / kScratchAlignment * kScratchAlignment; }

size_t product(const std::vector<size_t>& dims) {
  size_t p = 1;
  for (size_t d : dims) p *= d;
  return p;
}

using xnn::Operator;

class Int8BatchMatmul final : public Kernel {
 public:
  Int8BatchMatmul(const ir::Shape& a, const ir::Shape& b, bool softmax)
      : m_(size_t(a[a.size() - 2])), k_(size_t(a.back())), n_(size_t(b.back())) {
    const size_t rank = std::max(a.size(), b.size()) - 2;
    batch_a_.assign(rank, 1);
    batch_b_.assign(rank, 1);
    std::copy(a.begin(), a.end() - 2, batch_a_.end() - long(a.size() - 2));
    std::copy(b.begin(), b.end() - 2, batch_b_.end() - long(b.size() - 2));
    rows_a_ = product(batch_a_) * m_;
    a_params_at_ = aligned(rows_a_ * k_ + XNN_EXTRA_BYTES);
    b_codes_at_ = aligned(a_params_at_ + (rows_a_ + XNN_EXTRA_QUANTIZATION_PARAMS) * sizeof(xnn_quantization_params));
    b_scales_at_ = aligned(b_codes_at_ + product(batch_b_) * k_ * n_);
    scratch_ = b_scales_at_ + product(batch_b_) * n_ * sizeof(float);
    xnn_operator_t convert = nullptr;
    check(xnn_create_convert_nc_f32_qd8(0, &convert), nullptr, "the int8 batch matmul's quantization");
    convert_.reset(convert);
    rows_c_ = m_;
    for (size_t i = 0; i < rank; ++i) rows_c_ *= std::max(batch_a_[i], batch_b_[i]);
    if (softmax) {
      xnn_operator_t made = nullptr;
      check(xnn_create_softmax_nc_f32(0, &made), nullptr, "the int8 batch matmul's softmax");
      softmax_.reset(made);
    }
  }

  const char* name() const override {
    return softmax_ ? "int8 Batch Matrix Multiply + Softmax (engine)" : "int8 Batch Matrix Multiply (engine)";
  }

  size_t scratch_bytes() const override { return scratch_; }

  void run(const std::vector<const float*>& inputs, const std::vector<float*>& outputs, void* scratch,
           pthreadpool* pool) override {
    auto* base = static_cast<char*>(scratch);
    auto* a_codes = reinterpret_cast<int8_t*>(base);
    auto* a_params = reinterpret_cast<xnn_quantization_params*>(base + a_params_at_);
    auto* b_codes = reinterpret_cast<int8_t*>(base + b_codes_at_);
    auto* b_scales = reinterpret_cast<float*>(base + b_scales_at_);
    check(xnn_reshape_convert_nc_f32_qd8(convert_.get(), rows_a_, k_, k_, k_, pool), nullptr,
          "the int8 batch matmul's quantization");
    check(xnn_setup_convert_nc_f32_qd8(convert_.get(), inputs[0], a_codes, a_params), nullptr,
          "the int8 batch matmul's quantization");
    check(xnn_run_operator(convert_.get(), pool), nullptr, "the int8 batch matmul's quantization");

    const size_t batches_b = product(batch_b_);
    ColumnQuantization columns{inputs[1], b_codes, b_scales, k_, n_};
    pthreadpool_parallelize_2d(pool, quantize_column_tile, &columns, batches_b, (n_ + kColumnTile - 1) / kColumnTile, 0);

    // B changes every run and XNNPACK packs it when the operator is made: one operator per run.
    xnn_operator_t made = nullptr;
    check(xnn_create_batch_matrix_multiply_nc_qd8_f32_qc8w(batches_b, k_, n_, b_codes, b_scales, 0,
                                                           &made),
          nullptr, "the int8 batch matmul");
    const Operator op(made);
    check(xnn_reshape_batch_matrix_multiply_nc_qd8_f32_qc8w(op.get(), batch_a_.size(), batch_a_.data(),
                                                            batch_b_.data(), m_, k_, n_, pool),
          nullptr, "the int8 batch matmul");
    check(xnn_setup_batch_matrix_multiply_nc_qd8_f32_qc8w(op.get(), a_codes, a_params, outputs[0]),
          nullptr, "the int8 batch matmul");
    check(xnn_run_operator(op.get(), pool), nullptr, "the int8 batch matmul");
    if (!softmax_) return;
    // XNNPACK's softmax reads each part of a row before writing it: in place is safe.
    check(xnn_reshape_softmax_nc_f32(softmax_.get(), n_, n_, n_, rows_c_, pool), nullptr, "the softmax");
    check(xnn_setup_softmax_nc_f32(softmax_.get(), outputs[0], outputs[0]), nullptr, "the softmax");
    check(xnn_run_operator(softmax_.get(), pool), nullptr, "the softmax");
  }

 private:
  size_t m_, k_, n_, rows_a_ = 0, rows_c_ = 0;
  std::vector<size_t> batch_a_, batch_b_;  // same rank, 1 where broadcast
  // Where A's codes (at 0), A's row parameters, B's codes and B's column scales lie in the scratch.
  size_t a_params_at_ = 0, b_codes_at_ = 0, b_scales_at_ = 0, scratch_ = 0;
  Operator convert_, softmax_;
};

}  // namespace

std::unique_ptr<Kernel> make_int8_batch_matmul(const ir::Shape& a, const ir::Shape& b, bool softmax) {
  return std::make_unique<Int8BatchMatmul>(a, b, softmax);
}

}  // namespace dv::kernels
