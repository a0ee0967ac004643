// xnn/segments.h: how engine kernels split a graph into XNNPACK segments, which values cross
// between the steps and which buffers they share; and the runtime that runs them (int8 attention).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <string>

#include "depthview/engine.h"
#include "engine/ir/fuse.h"
#include "engine/ir/graph.h"
#include "engine/xnn/segments.h"
#include "support/onnx_builder.h"

namespace ob = dv::testing::onnx_build;

namespace {

// Attention without projections: y = softmax(x x^T) x + x, x: [1, 2, 5, 4].
std::vector<uint8_t> attention_model() {
  return ob::model({ob::node("Transpose", {"x"}, {"xt"}, "t", {ob::attr_ints("perm", {0, 1, 3, 2})}),
                    ob::node("MatMul", {"x", "xt"}, {"s"}, "scores"),
                    ob::node("Softmax", {"s"}, {"p"}, "softmax", {ob::attr_int("axis", -1)}),
                    ob::node("MatMul", {"p", "x"}, {"o"}, "mix"), ob::node("Add", {"o", "x"}, {"y"}, "residual")},
                   {}, {ob::value_info("x", {1, 2, 5, 4})}, {ob::value_info("y", {1, 2, 5, 4})});
}

struct Planned {
  dv::ir::Graph graph;
  std::vector<dv::ir::FusedOp> ops;
  std::vector<dv::xnn::Step> steps;

  explicit Planned(bool matmuls_as_kernels)
      : graph(dv::ir::import(dv::onnx::parse_model(std::make_shared<const std::vector<uint8_t>>(attention_model())))) {
    dv::ir::infer_shapes(graph, {{1, 2, 5, 4}});
    ops = dv::ir::fuse(graph);
    std::vector<bool> kernel;
    for (const auto& op : ops) kernel.push_back(matmuls_as_kernels && op.type == "MatMul");
    steps = dv::xnn::plan_steps(graph, ops, kernel);
  }
  std::string names(const std::vector<int>& values) const {
    std::string s;
    for (int v : values) s += (s.empty() ? "" : " ") + graph.values[size_t(v)].name;
    return s;
  }
  std::string describe(const dv::xnn::Step& step) const {
    std::string s = step.kernel ? "kernel[" : "segment[";
    for (size_t i : step.ops) s += (s.back() == '[' ? "" : " ") + ops[i].type;
    return s + "] in: " + names(step.imports) + " out: " + names(step.exports);
  }
};

}  // namespace

TEST_CASE("segments: without kernels the graph is one segment") {
  const Planned p(false);
  REQUIRE(p.steps.size() == 1);
  CHECK(p.describe(p.steps[0]) == "segment[Transpose MatMul MatMul Add] in: x out: y");  // the first has the Softmax
  const auto buffers = dv::xnn::plan_buffers(p.graph, p.steps);
  CHECK(buffers.floats.empty());  // nothing crosses: the caller's input and output only
}

TEST_CASE("segments: each kernel splits the segments, and what crosses is exported once") {
  const Planned p(true);
  REQUIRE(p.steps.size() == 4);
  CHECK(p.describe(p.steps[0]) == "segment[Transpose] in: x out: xt");
  CHECK(p.describe(p.steps[1]) == "kernel[MatMul] in: x xt out: p");  // with its Softmax: the scores stay inside
  CHECK(p.describe(p.steps[2]) == "kernel[MatMul] in: p x out: o");
  CHECK(p.describe(p.steps[3]) == "segment[Add] in: o x out: y");
}

TEST_CASE("segments: values whose steps do not overlap share a buffer") {
  const Planned p(true);
  const auto plan = dv::xnn::plan_buffers(p.graph, p.steps);
  auto buffer_of = [&](const std::string& name) {
    for (size_t v = 0; v < p.graph.values.size(); ++v)
      if (p.graph.values[v].name == name) return plan.buffer[v];
    return -2;
  };
  // xt lives in steps 0-1, p in 1-2, o in 2-3. p ([1,2,5,5]) is made while xt is read, o
  // ([1,2,5,4]) once xt's last reader is done: it takes xt's buffer, the smallest that fits.
  CHECK(plan.floats.size() == 2);
  CHECK(buffer_of("s") == -1);  // the scores never leave the kernel
  CHECK(buffer_of("p") != buffer_of("xt"));
  CHECK(buffer_of("o") == buffer_of("xt"));
  CHECK(buffer_of("x") == -1);  // the caller's
  CHECK(buffer_of("y") == -1);
  CHECK(plan.floats[size_t(buffer_of("p"))] >= 50);
  CHECK(plan.floats[size_t(buffer_of("xt"))] < 50);
}

TEST_CASE("segments: int8 mode runs attention's products as engine kernels, close to fp32") {
  const auto bytes = attention_model();
  dv_model* m = dv_model_load_bytes(bytes.data(), bytes.size(), nullptr, 0);
  REQUIRE(m != nullptr);
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> x(40);
  for (float& f : x) f = u(rng);
  auto run = [&] {
    std::vector<float> y(40);
    const float* ins[] = {x.data()};
    float* outs[] = {y.data()};
    REQUIRE_MESSAGE(dv_model_run(m, ins, outs) == dv_ok, dv_model_error(m));
    return y;
  };
  REQUIRE(dv_model_set_profiling(m, 1) == dv_ok);
  const auto fp32 = run();
  CHECK(std::string(dv_model_profile(m)).find("(engine)") == std::string::npos);
  REQUIRE(dv_model_set_precision(m, dv_precision_int8) == dv_ok);
  const auto int8 = run();
  run();  // a second run reuses the crossing buffers: the same result
  CHECK(run() == int8);
  const std::string profile = dv_model_profile(m);
  CHECK(profile.find("int8 Batch Matrix Multiply + Softmax (engine)") != std::string::npos);
  CHECK(profile.find("int8 Batch Matrix Multiply (engine)") != std::string::npos);
  double worst = 0;
  for (size_t i = 0; i < x.size(); ++i) worst = std::max(worst, std::fabs(double(int8[i]) - fp32[i]));
  CHECK(worst > 0.0);   // it did run quantized
  CHECK(worst < 0.03);  // |y| is about 1: int8 rounding, not another computation
  dv_model_free(m);
}
