// ir::fuse: each fusion where it must apply and where it must not (XNNPACK's test/subgraph/
// fusion.cc is the model). Results against ONNX Runtime are checked by the op tests (tests/ops).
#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <string>

#include "engine/ir/fuse.h"
#include "engine/ir/graph.h"
#include "support/onnx_builder.h"

namespace ob = dv::testing::onnx_build;

namespace {

using Partner = dv::ir::FusedOp::Partner;

struct Fused {
  dv::ir::Graph graph;
  std::vector<dv::ir::FusedOp> ops;
  std::string types() const {  // "MatMul+bias Relu"
    std::string s;
    for (const auto& op : ops) {
      s += (s.empty() ? "" : " ") + op.type;
      const bool conv_took_bias = op.type == "Conv" && op.input(2) >= 0 && op.node->inputs.size() < 3;
      if (op.bias >= 0 || conv_took_bias) s += "+bias";
      if (op.clamp_min > -INFINITY || op.clamp_max < INFINITY) s += "+clamp";
      if (op.partner_kind != Partner::none) s += "+" + op.partner.type;
    }
    return s;
  }
};

Fused fused(const std::vector<std::string>& nodes, const std::vector<std::string>& inits,
            const std::vector<int64_t>& x_shape, const std::vector<std::string>& outputs = {"y"}) {
  std::vector<std::string> outs;
  for (const auto& o : outputs) outs.push_back(ob::value_info(o, {}));
  const auto bytes = ob::model(nodes, inits, {ob::value_info("x", x_shape)}, outs);
  Fused f{dv::ir::import(dv::onnx::parse_model(std::make_shared<const std::vector<uint8_t>>(bytes))), {}};
  dv::ir::infer_shapes(f.graph, {x_shape});
  f.ops = dv::ir::fuse(f.graph);
  return f;
}

std::vector<float> filled(size_t n, float v = 0.25f) { return std::vector<float>(n, v); }

// y = x * 0.5 * (1 + erf(x / sqrt(2))), the two Muls in the order given.
std::vector<std::string> gelu_nodes(bool half_first, const std::string& erf_out = "e") {
  const std::vector<std::string> first =
      half_first ? std::vector<std::string>{"p", "half"} : std::vector<std::string>{"p", "x"};
  const std::vector<std::string> second =
      half_first ? std::vector<std::string>{"q", "x"} : std::vector<std::string>{"q", "half"};
  return {ob::node("Div", {"x", "sqrt2"}, {"d"}, "div"), ob::node("Erf", {"d"}, {erf_out}, "erf"),
          ob::node("Add", {erf_out, "one"}, {"p"}, "add"), ob::node("Mul", first, {"q"}, "mul1"),
          ob::node("Mul", second, {"y"}, "mul2")};
}
std::vector<std::string> gelu_constants(float half = 0.5f) {
  return {ob::float_tensor("sqrt2", {}, {1.4142135f}), ob::float_tensor("one", {}, {1.0f}),
          ob::float_tensor("half", {}, {half})};
}

}  // namespace

TEST_CASE("fuse: MatMul + Add of a constant [N] bias becomes one MatMul with a bias") {
  const auto inits =
      std::vector<std::string>{ob::float_tensor("w", {4, 3}, filled(12)), ob::float_tensor("b", {3}, filled(3))};
  SUBCASE("applies, either operand order") {
    CHECK(fused({ob::node("MatMul", {"x", "w"}, {"m"}), ob::node("Add", {"m", "b"}, {"y"})}, inits, {2, 4}).types() ==
          "MatMul+bias");
    CHECK(fused({ob::node("MatMul", {"x", "w"}, {"m"}), ob::node("Add", {"b", "m"}, {"y"})}, inits, {2, 4}).types() ==
          "MatMul+bias");
  }
  SUBCASE("not with a bias of another shape") {
    const auto other =
        std::vector<std::string>{ob::float_tensor("w", {4, 3}, filled(12)), ob::float_tensor("b", {1, 3}, filled(3))};
    CHECK(fused({ob::node("MatMul", {"x", "w"}, {"m"}), ob::node("Add", {"m", "b"}, {"y"})}, other, {2, 4}).types() ==
          "MatMul Add");
  }
  SUBCASE("not when the product is also read elsewhere") {
    const auto f = fused(
        {ob::node("MatMul", {"x", "w"}, {"m"}), ob::node("Add", {"m", "b"}, {"a"}), ob::node("Mul", {"a", "m"}, {"y"})},
        inits, {2, 4});
    CHECK(f.types() == "MatMul Add Mul");
  }
  SUBCASE("not when both operands are computed") {
    const auto f = fused({ob::node("Transpose", {"x"}, {"t"}), ob::node("MatMul", {"x", "t"}, {"m"}),
                          ob::node("Add", {"m", "b"}, {"y"})},
                         {ob::float_tensor("b", {2}, filled(2))}, {2, 2});
    CHECK(f.types() == "Transpose MatMul Add");
  }
}

TEST_CASE("fuse: a MatMul of two activations read only by a Softmax takes it as its partner (attention's scores)") {
  const auto t = [](const std::string& out) {
    return ob::node("Transpose", {"x"}, {out}, "t_" + out, {ob::attr_ints("perm", {0, 2, 1})});
  };
  SUBCASE("applies") {
    const auto f = fused({t("xt"), ob::node("MatMul", {"x", "xt"}, {"s"}), ob::node("Softmax", {"s"}, {"y"})}, {},
                         {2, 5, 4});
    CHECK(f.types() == "Transpose MatMul+Softmax");
    CHECK(f.graph.values[size_t(f.ops[1].link)].name == "s");
    CHECK(f.graph.values[size_t(f.ops[1].outputs[0])].name == "y");
  }
  SUBCASE("not when the scores are read elsewhere too, or are an output") {
    CHECK(fused({t("xt"), ob::node("MatMul", {"x", "xt"}, {"s"}), ob::node("Softmax", {"s"}, {"p"}),
                 ob::node("Add", {"p", "s"}, {"y"})},
                {}, {2, 5, 4})
              .types() == "Transpose MatMul Softmax Add");
    CHECK(fused({t("xt"), ob::node("MatMul", {"x", "xt"}, {"s"}), ob::node("Softmax", {"s"}, {"y"})}, {}, {2, 5, 4},
                {"y", "s"})
              .types() == "Transpose MatMul Softmax");
  }
  SUBCASE("not for a MatMul by constant weights") {
    CHECK(fused({ob::node("MatMul", {"x", "w"}, {"s"}), ob::node("Softmax", {"s"}, {"y"})},
                {ob::float_tensor("w", {4, 3}, filled(12))}, {2, 5, 4})
              .types() == "MatMul Softmax");
  }
}

TEST_CASE("fuse: the Erf pattern becomes Gelu") {
  SUBCASE("applies, the Muls in either order") {
    CHECK(fused(gelu_nodes(true), gelu_constants(), {1, 3, 4}).types() == "Gelu");
    const auto f = fused(gelu_nodes(false), gelu_constants(), {1, 3, 4});
    REQUIRE(f.types() == "Gelu");
    CHECK(f.ops[0].inputs == std::vector<int>{f.graph.find("x")});
    CHECK(f.ops[0].outputs == std::vector<int>{f.graph.find("y")});
  }
  // Then Erf computes on activations, which XNNPACK cannot: the model is refused at load.
  const char* refused = "Erf node 'erf': computing it on activations is not supported";
  SUBCASE("not with another constant than 0.5") {
    CHECK_THROWS_WITH(fused(gelu_nodes(true), gelu_constants(0.4f), {1, 3, 4}), doctest::Contains(refused));
  }
  SUBCASE("not when an intermediate is a graph output too") {
    CHECK_THROWS_WITH(fused(gelu_nodes(true), gelu_constants(), {1, 3, 4}, {"y", "p"}), doctest::Contains(refused));
  }
}

namespace {
// Resize of x [1,C,4,4] by 2 (nearest asymmetric/floor or linear), then `next` reads "r".
Fused resize_then(const std::string& mode, const std::vector<std::string>& next, std::vector<std::string> inits,
                  int64_t c = 4, float scale = 2.0f) {
  const std::vector<std::string> attrs = {ob::attr_string("mode", mode),
                                          ob::attr_string("coordinate_transformation_mode", "asymmetric"),
                                          ob::attr_string("nearest_mode", "floor")};
  std::vector<std::string> nodes = {ob::node("Resize", {"x", "", "scales"}, {"r"}, "up", attrs)};
  nodes.insert(nodes.end(), next.begin(), next.end());
  inits.push_back(ob::float_tensor("scales", {4}, {1.0f, 1.0f, scale, scale}));
  return fused(nodes, inits, {1, c, 4, 4});
}
}  // namespace

TEST_CASE("fuse: a nearest upsampling read only by Add/Sub/Mul/Div with an activation of its shape runs as one op") {
  // The skip connection: the same-shape activation is computed from x after the resize.
  const std::vector<std::string> skip = {ob::node("Resize", {"x", "", "scales"}, {"s"}, "skip")};
  auto with = [&](const std::string& op, bool skip_first) {
    std::vector<std::string> next = skip;
    next.push_back(ob::node(op, skip_first ? std::vector<std::string>{"s2", "r"} : std::vector<std::string>{"r", "s2"},
                            {"y"}, "join"));
    next.insert(next.begin() + 1, ob::node("Sigmoid", {"s"}, {"s2"}, "act"));
    return next;
  };
  SUBCASE("applies, either operand first; the fused op stands where the elementwise op stood") {
    for (const char* op : {"Add", "Sub", "Mul", "Div"})
      for (bool first : {false, true}) {
        const auto f = resize_then("nearest", with(op, first), {});
        CHECK(f.types() == "Resize Sigmoid Resize+" + std::string(op));
        CHECK(f.ops.back().partner_kind == Partner::elementwise_after);
      }
  }
  SUBCASE("not for a linear resize") {
    CHECK(resize_then("linear", with("Add", false), {}).types() == "Resize Resize Sigmoid Add");
  }
  SUBCASE("not with a constant operand") {
    CHECK(
        resize_then("nearest", {ob::node("Add", {"r", "k"}, {"y"})}, {ob::float_tensor("k", {1, 4, 8, 8}, filled(256))})
            .types() == "Resize Add");
  }
  SUBCASE("not when the upsampled tensor is read twice") {
    CHECK(resize_then("nearest", {ob::node("Add", {"r", "r"}, {"y"})}, {}).types() == "Resize Add");
  }
}

TEST_CASE("fuse: a 1x1 Conv right after an upsampling runs first") {
  auto conv = [](int64_t out, int64_t in, int64_t k) {
    return std::vector<std::string>{ob::float_tensor("w", {out, in, k, k}, filled(size_t(out * in * k * k))),
                                    ob::float_tensor("b", {out}, filled(size_t(out)))};
  };
  const std::vector<std::string> conv_node = {ob::node("Conv", {"r", "w", "b"}, {"y"}, "conv")};
  SUBCASE("applies for nearest and linear, with an activation after it left in place") {
    CHECK(resize_then("nearest", conv_node, conv(2, 4, 1)).types() == "Resize+Conv");
    const auto f = resize_then(
        "linear", {ob::node("Conv", {"r", "w", "b"}, {"c"}, "conv"), ob::node("Relu", {"c"}, {"y"})}, conv(2, 4, 1));
    CHECK(f.types() == "Resize+Conv Relu");
    CHECK(f.ops[0].partner_kind == Partner::pointwise_conv_first);
  }
  SUBCASE("not for a 3x3 kernel") { CHECK(resize_then("nearest", conv_node, conv(2, 4, 3)).types() == "Resize Conv"); }
  SUBCASE("not with more output than input channels") {
    CHECK(resize_then("nearest", conv_node, conv(6, 4, 1)).types() == "Resize Conv");
  }
  SUBCASE("not after a downsampling") {
    CHECK(resize_then("nearest", conv_node, conv(2, 4, 1), 4, 0.5f).types() == "Resize Conv");
  }
}

TEST_CASE("fuse: a chain of Clip/Relu read only from a Conv is folded into it") {
  const auto w = std::vector<std::string>{ob::float_tensor("w", {2, 3, 1, 1}, filled(6)), ob::float_tensor("lo", {}, {-1.0f}),
                                          ob::float_tensor("hi", {}, {6.0f})};
  SUBCASE("Relu then Clip: the bounds intersect") {
    const auto f = fused({ob::node("Conv", {"x", "w"}, {"c"}), ob::node("Relu", {"c"}, {"r"}), ob::node("Clip", {"r", "lo", "hi"}, {"y"})},
                         w, {1, 3, 4, 4});
    REQUIRE(f.types() == "Conv+clamp");
    CHECK(f.ops[0].clamp_min == 0.0f);
    CHECK(f.ops[0].clamp_max == 6.0f);
  }
  SUBCASE("not into a MatMul (XNNPACK's relaxed-SIMD fully-connected kernels get clamps with min > 0 wrong)") {
    const auto f = fused({ob::node("MatMul", {"x", "m"}, {"p"}), ob::node("Add", {"p", "b"}, {"a"}), ob::node("Relu", {"a"}, {"y"})},
                         {ob::float_tensor("m", {4, 3}, filled(12)), ob::float_tensor("b", {3}, filled(3))}, {2, 4});
    CHECK(f.types() == "MatMul+bias Relu");
  }
  SUBCASE("not after a product of two activations, nor when the convolution is read elsewhere too") {
    CHECK(fused({ob::node("Transpose", {"x"}, {"t"}), ob::node("MatMul", {"x", "t"}, {"p"}), ob::node("Relu", {"p"}, {"y"})}, {}, {2, 2})
              .types() == "Transpose MatMul Relu");
    CHECK(fused({ob::node("Conv", {"x", "w"}, {"c"}), ob::node("Relu", {"c"}, {"r"}), ob::node("Add", {"r", "c"}, {"y"})}, w, {1, 3, 4, 4})
              .types() == "Conv Relu Add");
  }
  SUBCASE("ops no output needs are dropped") {
    CHECK(fused({ob::node("Conv", {"x", "w"}, {"y"}), ob::node("Sigmoid", {"x"}, {"unused"})}, w, {1, 3, 4, 4}).types() == "Conv");
  }
}

TEST_CASE("fuse: a Conv without bias takes an Add of a constant per channel as its bias (ConvInteger files)") {
  const auto inits = [](std::vector<int64_t> bias_shape) {
    return std::vector<std::string>{ob::float_tensor("w", {2, 3, 1, 1}, filled(6)),
                                    ob::float_tensor("b", bias_shape, filled(2, 0.5f))};
  };
  const auto conv_add_relu = std::vector<std::string>{ob::node("Conv", {"x", "w"}, {"c"}), ob::node("Add", {"c", "b"}, {"a"}),
                                                      ob::node("Relu", {"a"}, {"y"})};
  SUBCASE("[1, O, 1, 1] or [O, 1, 1], then the clamp") {
    CHECK(fused(conv_add_relu, inits({1, 2, 1, 1}), {1, 3, 4, 4}).types() == "Conv+bias+clamp");
    CHECK(fused(conv_add_relu, inits({2, 1, 1}), {1, 3, 4, 4}).types() == "Conv+bias+clamp");
  }
  SUBCASE("not a constant that broadcasts along the width, nor after a Conv that has a bias") {
    CHECK(fused(conv_add_relu, inits({2}), {1, 3, 4, 2}).types() == "Conv Add Relu");
    auto with_bias = inits({1, 2, 1, 1});
    with_bias.push_back(ob::float_tensor("cb", {2}, filled(2)));
    CHECK(fused({ob::node("Conv", {"x", "w", "cb"}, {"c"}), ob::node("Add", {"c", "b"}, {"y"})}, with_bias, {1, 3, 4, 4})
              .types() == "Conv Add");
  }
}

TEST_CASE("fuse: the x/sqrt(2) of a GELU read elsewhere too stays, and the rest still becomes Gelu reading x") {
  auto nodes = gelu_nodes(true);
  nodes.push_back(ob::node("Add", {"y", "d"}, {"z"}, "also_reads_d"));
  const auto f = fused(nodes, gelu_constants(), {1, 3, 4}, {"z"});
  CHECK(f.types() == "Div Gelu Add");
  CHECK(f.ops[1].inputs == std::vector<int>{f.graph.find("x")});
}

namespace {
// LayerNormalization as exporters before opset 17 write it; `also_output` makes the variance an output.
Fused decomposed_layer_norm(const std::vector<std::string>& outputs = {"y"}) {
  const std::vector<std::string> last = {ob::attr_ints("axes", {-1})};
  return fused(
      {ob::node("ReduceMean", {"x"}, {"mean"}, "mean", last), ob::node("Sub", {"x", "mean"}, {"d"}),
       ob::node("Pow", {"d", "two"}, {"sq"}), ob::node("ReduceMean", {"sq"}, {"var"}, "var", last),
       ob::node("Add", {"var", "eps"}, {"ve"}), ob::node("Sqrt", {"ve"}, {"sd"}), ob::node("Div", {"d", "sd"}, {"n"}),
       ob::node("Mul", {"n", "g"}, {"s"}), ob::node("Add", {"s", "b"}, {"y"})},
      {ob::float_tensor("two", {}, {2.0f}), ob::float_tensor("eps", {}, {1e-5f}), ob::float_tensor("g", {8}, filled(8)),
       ob::float_tensor("b", {8}, filled(8))},
      {2, 8}, outputs);
}
}  // namespace

TEST_CASE("fuse: the decomposed LayerNormalization becomes one, with its scale, bias and epsilon") {
  const auto f = decomposed_layer_norm();
  REQUIRE(f.types() == "LayerNormalization");
  CHECK(f.ops[0].inputs == std::vector<int>{f.graph.find("x"), f.graph.find("g"), f.graph.find("b")});
  CHECK(f.ops[0].attr_float("epsilon", 0.0f) == doctest::Approx(1e-5f));
  // Not when the variance is also an output: then Pow computes on activations and the load is refused.
  CHECK_THROWS_WITH(decomposed_layer_norm({"y", "var"}),
                    doctest::Contains("Pow node '': computing it on activations is not supported"));
}
