// ir::fold_weights: LayerNormalization's scale/bias and the scales after projections end up in the
// projections' weights (the ops they replace are gone), and the results do not change.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>

#include "depthview/engine.h"
#include "engine/ir/graph.h"
#include "support/onnx_builder.h"

namespace ob = dv::testing::onnx_build;

namespace {

constexpr int kTokens = 4, kDim = 8, kOut = 5;

std::vector<float> seeded(size_t n, unsigned seed, float center = 0.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-0.5f, 0.5f);
  std::vector<float> v(n);
  for (float& f : v) f = center + u(rng);
  return v;
}

const std::vector<float> kGamma = seeded(kDim, 1, 1.0f), kBeta = seeded(kDim, 2), kW = seeded(kDim * kOut, 3),
                         kBias = seeded(kOut, 4), kLayerScale = seeded(kOut, 5, 0.1f);
constexpr float kScale = 0.7f;

// y = ((LayerNorm(x) W + b) * 0.7) * layer_scale, x [1, tokens, dim].
std::vector<uint8_t> block_model() {
  return ob::model(
      {ob::node("LayerNormalization", {"x", "g", "beta"}, {"ln"}, "ln", {ob::attr_int("axis", -1)}),
       ob::node("MatMul", {"ln", "w"}, {"m"}, "proj"), ob::node("Add", {"m", "b"}, {"a"}, "bias"),
       ob::node("Mul", {"a", "s"}, {"scaled"}, "scale"), ob::node("Mul", {"lam", "scaled"}, {"y"}, "layer_scale")},
      {ob::float_tensor("g", {kDim}, kGamma), ob::float_tensor("beta", {kDim}, kBeta),
       ob::float_tensor("w", {kDim, kOut}, kW), ob::float_tensor("b", {kOut}, kBias),
       ob::float_tensor("s", {}, {kScale}), ob::float_tensor("lam", {kOut}, kLayerScale)},
      {ob::value_info("x", {1, kTokens, kDim})}, {ob::value_info("y", {1, kTokens, kOut})});
}

std::vector<double> reference(const std::vector<float>& x) {
  std::vector<double> y;
  for (int t = 0; t < kTokens; ++t) {
    const float* row = &x[size_t(t * kDim)];
    double mean = 0, var = 0;
    for (int c = 0; c < kDim; ++c) mean += row[c] / double(kDim);
    for (int c = 0; c < kDim; ++c) var += (row[c] - mean) * (row[c] - mean) / double(kDim);
    for (int o = 0; o < kOut; ++o) {
      double acc = kBias[size_t(o)];
      for (int c = 0; c < kDim; ++c)
        acc +=
            ((row[c] - mean) / std::sqrt(var + 1e-5) * kGamma[size_t(c)] + kBeta[size_t(c)]) * kW[size_t(c * kOut + o)];
      y.push_back(acc * kScale * kLayerScale[size_t(o)]);
    }
  }
  return y;
}

}  // namespace

TEST_CASE("fold_weights: norm scale/bias and projection scales move into the weights") {
  const auto bytes = block_model();
  const dv::ir::Graph g = dv::ir::import(dv::onnx::parse_model(std::make_shared<const std::vector<uint8_t>>(bytes)));
  const auto removed = std::count_if(g.ops.begin(), g.ops.end(), [](const dv::ir::Op& op) { return op.removed; });
  CHECK(removed == 2);  // both Muls
  const auto& gamma = g.values[size_t(g.find("g"))].f32;
  const auto& beta = g.values[size_t(g.find("beta"))].f32;
  CHECK(std::all_of(gamma.begin(), gamma.end(), [](float f) { return f == 1.0f; }));
  CHECK(std::all_of(beta.begin(), beta.end(), [](float f) { return f == 0.0f; }));
  CHECK(g.values[size_t(g.find("y"))].producer == g.values[size_t(g.find("m"))].producer + 1);  // the Add writes y now
}

TEST_CASE("fold_weights: the folded model computes the same function") {
  const auto bytes = block_model();
  char err[512] = "";
  dv_model* m = dv_model_load_bytes(bytes.data(), bytes.size(), err, sizeof err);
  REQUIRE_MESSAGE(m != nullptr, err);
  const auto x = seeded(kTokens * kDim, 9);
  std::vector<float> y(kTokens * kOut);
  const float* ins[] = {x.data()};
  float* outs[] = {y.data()};
  REQUIRE_MESSAGE(dv_model_run(m, ins, outs) == dv_ok, dv_model_error(m));
  const auto ref = reference(x);
  for (size_t i = 0; i < y.size(); ++i) CHECK(y[i] == doctest::Approx(ref[i]).epsilon(1e-5));
  dv_model_free(m);
}
