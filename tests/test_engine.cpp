// The public engine API (depthview/engine.h) on small models built in memory: results against
// naive references, dynamic input sizes, and one clear error for every kind of bad input.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <random>
#include <string>

#include "depthview/engine.h"
#include "engine/ir/graph.h"
#include "support/onnx_builder.h"

namespace ob = dv::testing::onnx_build;

namespace {

struct Model {
  dv_model* m = nullptr;
  std::string error;
  explicit Model(const std::vector<uint8_t>& bytes) {
    char err[512] = "";
    m = dv_model_load_bytes(bytes.data(), bytes.size(), err, sizeof err);
    error = err;
  }
  ~Model() { dv_model_free(m); }
};

std::vector<float> random_floats(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float& f : v) f = u(rng);
  return v;
}

// Conv 3x3 (pad 1, 1 -> 2 channels) + Relu on a [1,1,H,W] input whose H and W are dynamic.
const std::vector<float> kWeights = random_floats(18, 7);
const std::vector<float> kBias = {0.1f, -0.2f};

std::vector<uint8_t> conv_relu_model(const std::string& extra_op = "") {
  std::vector<std::string> nodes = {
      ob::node("Conv", {"x", "w", "b"}, {"c"}, "conv", {ob::attr_ints("pads", {1, 1, 1, 1})}),
      ob::node("Relu", {"c"}, {"y"}, "relu")};
  if (!extra_op.empty()) nodes.push_back(ob::node(extra_op, {"y"}, {"z"}, "strange_node"));
  return ob::model(nodes, {ob::float_tensor("w", {2, 1, 3, 3}, kWeights), ob::float_tensor("b", {2}, kBias)},
                   {ob::value_info("x", {1, 1, -1, -1})},
                   {ob::value_info(extra_op.empty() ? "y" : "z", {1, 2, -1, -1})});
}

std::vector<float> conv_relu_reference(const std::vector<float>& x, int h, int w) {
  std::vector<float> y(size_t(2 * h * w));
  for (int o = 0; o < 2; ++o)
    for (int r = 0; r < h; ++r)
      for (int c = 0; c < w; ++c) {
        double acc = kBias[size_t(o)];
        for (int ky = 0; ky < 3; ++ky)
          for (int kx = 0; kx < 3; ++kx) {
            const int yy = r + ky - 1, xx = c + kx - 1;
            if (yy >= 0 && yy < h && xx >= 0 && xx < w)
              acc += double(x[size_t(yy * w + xx)]) * kWeights[size_t(o * 9 + ky * 3 + kx)];
          }
        y[size_t((o * h + r) * w + c)] = float(std::max(acc, 0.0));
      }
  return y;
}

dv_shape shape4(int64_t n, int64_t c, int64_t h, int64_t w) {
  dv_shape s{};
  s.rank = 4;
  s.dims[0] = n;
  s.dims[1] = c;
  s.dims[2] = h;
  s.dims[3] = w;
  return s;
}

}  // namespace

TEST_CASE("engine: dynamic sizes reuse the loaded weights and match the reference") {
  Model model(conv_relu_model());
  REQUIRE_MESSAGE(model.m != nullptr, model.error);
  CHECK(dv_model_input_count(model.m) == 1);
  CHECK(std::string(dv_model_input_name(model.m, 0)) == "x");
  const dv_shape declared = dv_model_input_shape(model.m, 0);
  CHECK(declared.rank == 4);
  CHECK(declared.dims[2] == -1);
  REQUIRE(dv_model_set_threads(model.m, 2) == dv_ok);
  // Six sizes, four distinct: more than the 2 runtimes kept, so some are dropped and made again.
  for (auto [h, w] :
       {std::pair{5, 7}, std::pair{8, 4}, std::pair{3, 3}, std::pair{6, 6}, std::pair{5, 7}, std::pair{8, 4}}) {
    CAPTURE(h);
    CAPTURE(w);
    const dv_shape s = shape4(1, 1, h, w);
    REQUIRE_MESSAGE(dv_model_set_input_shape(model.m, 0, &s) == dv_ok, dv_model_error(model.m));
    const dv_shape out = dv_model_output_shape(model.m, 0);
    CHECK(out.rank == 4);
    CHECK(out.dims[1] == 2);
    CHECK(out.dims[2] == h);
    CHECK(out.dims[3] == w);
    const auto x = random_floats(size_t(h * w), unsigned(h * 31 + w));
    std::vector<float> y(size_t(2 * h * w), std::numeric_limits<float>::quiet_NaN());
    const float* ins[] = {x.data()};
    float* outs[] = {y.data()};
    REQUIRE_MESSAGE(dv_model_run(model.m, ins, outs) == dv_ok, dv_model_error(model.m));
    const auto ref = conv_relu_reference(x, h, w);
    double worst = 0;
    for (size_t i = 0; i < y.size(); ++i) worst = std::max(worst, std::fabs(double(y[i]) - ref[i]));
    CHECK(worst < 1e-5);
  }
}

TEST_CASE("engine: wrong input shapes are refused with a message, and the model stays usable") {
  Model model(conv_relu_model());
  REQUIRE(model.m != nullptr);
  dv_shape bad = shape4(1, 3, 8, 8);  // the model wants 1 channel
  CHECK(dv_model_set_input_shape(model.m, 0, &bad) == dv_error_invalid_argument);
  CHECK(std::string(dv_model_error(model.m)).find("must be 1x1x-1x-1") != std::string::npos);
  dv_shape rank3{};
  rank3.rank = 3;
  rank3.dims[0] = rank3.dims[1] = rank3.dims[2] = 4;
  CHECK(dv_model_set_input_shape(model.m, 0, &rank3) == dv_error_invalid_argument);
  CHECK(std::string(dv_model_error(model.m)).find("rank 4") != std::string::npos);
  float unused = 0.0f;
  const float* ins[] = {&unused};
  float* outs[] = {&unused};
  CHECK(dv_model_run(model.m, ins, outs) == dv_error_invalid_argument);  // no shape set yet
  CHECK(std::string(dv_model_error(model.m)).find("set every input shape") != std::string::npos);
  const dv_shape ok = shape4(1, 1, 4, 4);
  CHECK(dv_model_set_input_shape(model.m, 0, &ok) == dv_ok);
  CHECK(dv_model_set_threads(model.m, 0) == dv_error_invalid_argument);
}

TEST_CASE("engine: bad models give one clear error") {
  SUBCASE("an operator the registry lacks is refused at load, naming op and node (even with dynamic shapes)") {
    Model model(conv_relu_model("NonMaxSuppression"));
    CHECK(model.m == nullptr);
    CHECK(model.error.find("unsupported operator 'NonMaxSuppression' (node 'strange_node')") != std::string::npos);
  }
  SUBCASE("an operator with shape inference but no lowering, computed on activations, is refused at load") {
    // Erf runs on activations only inside the GELU pattern; Gather only on constants.
    for (const char* op : {"Erf", "Gather"}) {
      const bool gather = std::string(op) == "Gather";
      Model model(ob::model(
          {ob::node(op, gather ? std::vector<std::string>{"x", "i"} : std::vector<std::string>{"x"}, {"y"}, "lonely")},
          gather ? std::vector<std::string>{ob::int64_tensor("i", {1}, {0})} : std::vector<std::string>{},
          {ob::value_info("x", {-1, 1, 4, 4})}, {ob::value_info("y", {})}));
      CHECK(model.m == nullptr);
      CHECK_MESSAGE(
          model.error.find(std::string(op) + " node 'lonely': computing it on activations is not supported") !=
              std::string::npos,
          model.error);
    }
  }
  SUBCASE("NaN in the weights") {
    std::vector<float> w(18, 0.5f);
    w[4] = std::numeric_limits<float>::quiet_NaN();
    Model model(ob::model({ob::node("Conv", {"x", "w"}, {"y"}, "conv")}, {ob::float_tensor("w", {2, 1, 3, 3}, w)},
                          {ob::value_info("x", {1, 1, 8, 8})}, {ob::value_info("y", {1, 2, 6, 6})}));
    CHECK(model.m == nullptr);
    CHECK(model.error.find("NaN or Inf") != std::string::npos);
    CHECK(model.error.find("'w'") != std::string::npos);
  }
  SUBCASE("a 0-byte model") {
    Model model({});
    CHECK(model.m == nullptr);
    CHECK(model.error.find("empty") != std::string::npos);
  }
  SUBCASE("a truncated model") {
    auto bytes = conv_relu_model();
    bytes.resize(bytes.size() - 20);
    Model model(bytes);
    CHECK(model.m == nullptr);
    CHECK(model.error.find("truncated") != std::string::npos);
  }
  SUBCASE("a missing model file") {
    char err[256] = "";
    CHECK(dv_model_load_file("/nonexistent/depth.onnx", err, sizeof err) == nullptr);
    CHECK(std::string(err).find("cannot open model file") != std::string::npos);
  }
  SUBCASE("a model whose node reads an undefined tensor") {
    Model model(ob::model({ob::node("Relu", {"nowhere"}, {"y"}, "r")}, {}, {ob::value_info("x", {1, 1, 2, 2})},
                          {ob::value_info("y", {1, 1, 2, 2})}));
    CHECK(model.m == nullptr);
    CHECK(model.error.find("'nowhere'") != std::string::npos);
  }
}

TEST_CASE("engine: int8 mode stays close to fp32, and switching back is exact") {
  // A 1x1 conv (int8-eligible) and a MatMul over its output, so both quantized paths run.
  const std::vector<float> w = random_floats(32, 3), m = random_floats(8 * 6, 4), b = random_floats(6, 5);
  Model model(ob::model(
      {ob::node("Conv", {"x", "w"}, {"c"}, "conv"), ob::node("MatMul", {"c", "m"}, {"p"}, "mm"),
       ob::node("Add", {"p", "b"}, {"y"}, "bias")},
      {ob::float_tensor("w", {4, 8, 1, 1}, w), ob::float_tensor("m", {8, 6}, m), ob::float_tensor("b", {6}, b)},
      {ob::value_info("x", {1, 8, 5, 8})}, {ob::value_info("y", {1, 4, 5, 6})}));
  REQUIRE_MESSAGE(model.m != nullptr, model.error);
  const auto x = random_floats(8 * 5 * 8, 6);
  auto run = [&] {
    std::vector<float> y(4 * 5 * 6);
    const float* ins[] = {x.data()};
    float* outs[] = {y.data()};
    REQUIRE_MESSAGE(dv_model_run(model.m, ins, outs) == dv_ok, dv_model_error(model.m));
    return y;
  };
  const auto fp32 = run();
  REQUIRE(dv_model_set_precision(model.m, dv_precision_int8) == dv_ok);
  const auto int8 = run();
  REQUIRE(dv_model_set_precision(model.m, dv_precision_fp32) == dv_ok);
  const auto again = run();
  const auto [lo, hi] = std::minmax_element(fp32.begin(), fp32.end());
  double worst = 0, changed = 0;
  for (size_t i = 0; i < fp32.size(); ++i) {
    worst = std::max(worst, std::fabs(double(int8[i]) - fp32[i]));
    changed = std::max(changed, std::fabs(double(again[i]) - fp32[i]));
  }
  CHECK(worst / double(*hi - *lo) < 0.03);  // int8 rounding, not a different computation
  CHECK(worst > 0.0);                        // and it really ran quantized
  CHECK(changed == 0.0);
  CHECK(dv_model_set_precision(model.m, static_cast<dv_precision>(7)) == dv_error_invalid_argument);
}

TEST_CASE("engine: resource limits refuse huge tensors and activations with a message") {
  // An initializer whose dims claim 2^40 elements (and whose data is far too short).
  const auto huge_weight =
      ob::model({ob::node("Relu", {"x"}, {"y"}, "relu")}, {ob::float_tensor("w", {1 << 20, 1 << 20}, {1.0f})},
                {ob::value_info("x", {1, 1, -1, -1})}, {ob::value_info("y", {1, 1, -1, -1})});
  Model a(huge_weight);
  CHECK(a.m == nullptr);
  CHECK_MESSAGE(
      a.error.find("tensor 'w' would have 1048576x1048576 elements, more than the limit") != std::string::npos,
      a.error);
  // An input size whose activations are over the limit: refused before anything is allocated.
  Model b(conv_relu_model());
  REQUIRE(b.m != nullptr);
  dv_shape s = dv_model_input_shape(b.m, 0);
  s.dims[2] = 40000;
  s.dims[3] = 40000;
  CHECK(dv_model_set_input_shape(b.m, 0, &s) == dv_error_invalid_model);
  const std::string e = dv_model_error(b.m);
  CHECK_MESSAGE(e.find("more than the limit of 2^30") != std::string::npos, e);
  s.dims[2] = 8;
  s.dims[3] = 8;
  CHECK(dv_model_set_input_shape(b.m, 0, &s) == dv_ok);  // the model stays usable
  // A constant resized to 8192x8192 (folded at load, like position embeddings): refused.
  const auto big_resize =
      ob::model({ob::node("Resize", {"k", "", "", "sizes"}, {"r"}, "grow", {ob::attr_string("mode", "cubic")}),
                 ob::node("Add", {"x", "r"}, {"y"}, "add")},
                {ob::float_tensor("k", {1, 1, 2, 2}, {1, 2, 3, 4}), ob::int64_tensor("sizes", {4}, {1, 1, 8192, 8192})},
                {ob::value_info("x", {1, 1, 1, 1})}, {ob::value_info("y", {1, 1, 8192, 8192})});
  Model c(big_resize);  // its input size is fixed, so the load prepares it
  CHECK(c.m == nullptr);
  CHECK_MESSAGE(
      c.error.find(
          "Resize node 'grow': resizing a constant to 1x1x8192x8192 is more than the limit of 2^23 elements") !=
          std::string::npos,
      c.error);
}

TEST_CASE("engine: the activation budget counts what is alive at once, not every step's output") {
  // A chain of Relus whose outputs add up to more than the budget, while only two are ever alive
  // (a QDQ file doubles the steps in the same way): accepted.
  constexpr int64_t kSide = 4096;  // 64 MiB per value
  const uint64_t per_value = uint64_t(4) * kSide * kSide;
  const int steps = int(dv::ir::kActivationBudgetBytes / per_value) + 8;
  auto value = [&](int i) { return i < 0 ? std::string("x") : i + 1 == steps ? std::string("y") : std::to_string(i); };
  std::vector<std::string> nodes;
  for (int i = 0; i < steps; ++i) nodes.push_back(ob::node("Relu", {value(i - 1)}, {value(i)}, value(i)));
  Model chain(ob::model(nodes, {}, {ob::value_info("x", {1, 1, -1, -1})}, {ob::value_info("y", {1, 1, -1, -1})}));
  REQUIRE(chain.m != nullptr);
  dv_shape s = dv_model_input_shape(chain.m, 0);
  s.dims[2] = s.dims[3] = kSide;
  CHECK_MESSAGE(dv_model_set_input_shape(chain.m, 0, &s) == dv_ok, dv_model_error(chain.m));
}

TEST_CASE("engine: unused nodes are skipped; an output that is just the input is refused (fuzz findings)") {
  // Relu is dead: only Sigmoid feeds the output. XNNPACK aborted on such subgraphs before.
  const auto dead =
      ob::model({ob::node("Relu", {"x"}, {"unused"}, "dead_relu"), ob::node("Sigmoid", {"x"}, {"y"}, "sig")}, {},
                {ob::value_info("x", {1, 4})}, {ob::value_info("y", {1, 4})});
  Model a(dead);
  REQUIRE_MESSAGE(a.m != nullptr, a.error);
  const std::vector<float> x = {-2.0f, 0.0f, 1.0f, 3.0f};
  std::vector<float> y(4);
  const float* ins[] = {x.data()};
  float* outs[] = {y.data()};
  REQUIRE_MESSAGE(dv_model_run(a.m, ins, outs) == dv_ok, dv_model_error(a.m));
  for (size_t i = 0; i < 4; ++i) CHECK(y[i] == doctest::Approx(1.0 / (1.0 + std::exp(-double(x[i])))).epsilon(1e-5));
  const auto passthrough = ob::model({ob::node("Relu", {"x"}, {"y"}, "relu")}, {}, {ob::value_info("x", {1, 4})},
                                     {ob::value_info("x", {1, 4})});
  Model b(passthrough);
  CHECK(b.m == nullptr);
  CHECK_MESSAGE(b.error.find("graph output 'x' is a graph input or a constant") != std::string::npos, b.error);
}

TEST_CASE("engine API: each failure has its status, NULL arguments are refused, not dereferenced") {
  char err[256] = "";
  dv_model* m = reinterpret_cast<dv_model*>(1);
  const auto unsupported = conv_relu_model("NonMaxSuppression");
  CHECK(dv_model_open_bytes(unsupported.data(), unsupported.size(), &m, err, sizeof err) == dv_error_unsupported);
  CHECK(m == nullptr);
  auto truncated = conv_relu_model();
  truncated.resize(truncated.size() - 20);
  CHECK(dv_model_open_bytes(truncated.data(), truncated.size(), &m, err, sizeof err) == dv_error_invalid_model);
  CHECK(dv_model_open_bytes(truncated.data(), truncated.size(), nullptr, err, sizeof err) == dv_error_invalid_argument);
  CHECK(dv_model_open_file(nullptr, &m, err, sizeof err) == dv_error_invalid_argument);
  CHECK(std::string(err) == "no model path given");

  const auto bytes = conv_relu_model();
  REQUIRE(dv_model_open_bytes(bytes.data(), bytes.size(), &m, err, sizeof err) == dv_ok);
  CHECK(dv_model_set_input_shape(m, 0, nullptr) == dv_error_invalid_argument);
  CHECK(std::string(dv_model_error(m)) == "no shape given");
  dv_shape too_deep{};
  too_deep.rank = DV_MAX_DIMS + 1;
  CHECK(dv_model_set_input_shape(m, 0, &too_deep) == dv_error_invalid_argument);
  const dv_shape s = shape4(1, 1, 4, 4);
  REQUIRE(dv_model_set_input_shape(m, 0, &s) == dv_ok);
  CHECK(dv_model_run(m, nullptr, nullptr) == dv_error_invalid_argument);
  const float* no_input[] = {nullptr};
  float out[2 * 4 * 4];
  float* outs[] = {out};
  CHECK(dv_model_run(m, no_input, outs) == dv_error_invalid_argument);
  dv_model_free(m);

  CHECK(dv_model_set_threads(nullptr, 2) == dv_error_invalid_argument);
  CHECK(dv_model_input_count(nullptr) == 0);
  CHECK(dv_model_input_name(nullptr, 0) == nullptr);
  CHECK(dv_model_input_shape(nullptr, 0).rank == 0);
  CHECK(std::string(dv_model_error(nullptr)).empty());
  dv_model_free(nullptr);
}

TEST_CASE("engine API: the operator list is the registry, and says what runs on activations") {
  std::map<std::string, int> ops;
  for (size_t i = 0; i < dv_operator_count(); ++i) ops[dv_operator_name(i)] = dv_operator_runs_on_activations(i);
  CHECK(dv_operator_name(dv_operator_count()) == nullptr);
  CHECK(dv_operator_runs_on_activations(dv_operator_count()) == -1);
  for (const char* computed :
       {"Conv", "MatMul", "HardSwish", "Elu", "Gelu", "Sqrt", "Neg", "Floor", "Resize", "Concat", "Cast",
        "MatMulInteger", "ConvInteger", "com.microsoft.MatMulNBits", "com.microsoft.MatMulBnb4"})
    CHECK_MESSAGE(ops[computed] == 1, computed);
  for (const char* folded : {"Shape", "Gather", "Erf", "Pow"}) CHECK_MESSAGE(ops[folded] == 0, folded);
}

namespace {
// A patch embedding of `patch` (kernel == stride, `pads`) on [1,3,H,W], after `before` (ops from
// "x" to "n"; empty: the Conv reads "x") and beside a Shape of the input (as Dinov2's position
// embeddings read it).
std::vector<uint8_t> patch_model(int64_t patch, const std::vector<std::string>& before,
                                 const std::vector<int64_t>& pads = {0, 0, 0, 0}) {
  std::vector<std::string> nodes = before;
  nodes.push_back(ob::node("Conv", {before.empty() ? "x" : "n", "w"}, {"y"}, "patch_embed",
                           {ob::attr_ints("strides", {patch, patch}), ob::attr_ints("pads", pads)}));
  nodes.push_back(ob::node("Shape", {"x"}, {"s"}, "shape"));
  return ob::model(nodes,
                   {ob::float_tensor("w", {2, 3, patch, patch}, random_floats(size_t(6 * patch * patch), 3)),
                    ob::float_tensor("mean", {1, 3, 1, 1}, {0.5f, 0.4f, 0.3f}),
                    ob::float_tensor("std", {1, 3, 1, 1}, {0.2f, 0.2f, 0.2f})},
                   {ob::value_info("x", {1, 3, -1, -1})},
                   {ob::value_info("y", {1, 2, -1, -1}), ob::value_info("s", {4}, 7)});
}
}  // namespace

TEST_CASE("engine API: the input multiple is the patch size of a patch embedding reading the input") {
  const std::vector<std::string> normalise = {ob::node("Sub", {"x", "mean"}, {"c"}, "sub"),
                                              ob::node("Div", {"c", "std"}, {"n"}, "div")};
  const std::vector<std::string> relu = {ob::node("Relu", {"x"}, {"n"}, "relu")};
  struct Case {
    const char* what;
    std::vector<uint8_t> bytes;
    int64_t multiple;
  };
  const Case cases[] = {
      {"14x14 patches on the input", patch_model(14, {}), 14},
      {"16x16 patches after Sub and Div (normalisation in the graph)", patch_model(16, normalise), 16},
      {"padded: an ordinary convolution", patch_model(14, {}, {1, 1, 1, 1}), 1},
      {"after a Relu: not the input's patches", patch_model(14, relu), 1},
      {"3x3 convolution with stride 1", conv_relu_model(), 1},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    Model model(c.bytes);
    REQUIRE_MESSAGE(model.m != nullptr, model.error);
    CHECK(dv_model_input_multiple(model.m, 0) == c.multiple);
    CHECK(dv_model_input_multiple(model.m, 1) == 0);
  }
  CHECK(dv_model_input_multiple(nullptr, 0) == 0);
}
