#include "support/smoke_graph.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>

#include <xnnpack.h>

namespace dv::testing {
namespace {

void check(xnn_status s, const char* what) {
  if (s != xnn_status_success) throw std::runtime_error(std::string(what) + " failed with status " + std::to_string(s));
}

size_t nhwc(int y, int x, int c, int w, int channels) { return (static_cast<size_t>(y) * w + x) * channels + c; }

std::vector<double> reference_conv_clamp(const SmokeData& d) {
  const SmokeShape& s = d.shape;
  std::vector<double> y(static_cast<size_t>(s.h) * s.w * s.cout);
  for (int oy = 0; oy < s.h; ++oy)
    for (int ox = 0; ox < s.w; ++ox)
      for (int oc = 0; oc < s.cout; ++oc) {
        double acc = d.bias[oc];
        for (int ky = 0; ky < 3; ++ky)
          for (int kx = 0; kx < 3; ++kx) {
            const int iy = oy + ky - 1, ix = ox + kx - 1;
            if (iy < 0 || iy >= s.h || ix < 0 || ix >= s.w) continue;
            for (int ic = 0; ic < s.cin; ++ic)
              acc += static_cast<double>(d.x[nhwc(iy, ix, ic, s.w, s.cin)]) *
                     d.weights[((static_cast<size_t>(oc) * 3 + ky) * 3 + kx) * s.cin + ic];
          }
        y[nhwc(oy, ox, oc, s.w, s.cout)] = std::clamp(acc, 0.0, 6.0);
      }
  return y;
}

// Source coordinate of output index o for a half-pixel-centre resize by `scale`, clamped.
void source_coord(int o, double scale, int n, int* i0, int* i1, double* frac) {
  const double pos = std::clamp((o + 0.5) * scale - 0.5, 0.0, static_cast<double>(n - 1));
  *i0 = static_cast<int>(pos);
  *i1 = std::min(*i0 + 1, n - 1);
  *frac = pos - *i0;
}

}  // namespace

SmokeData SmokeData::random(const SmokeShape& shape, uint32_t seed) {
  SmokeData d;
  d.shape = shape;
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  auto fill = [&](std::vector<float>& v, size_t n, float scale) {
    v.resize(n);
    for (float& f : v) f = u(rng) * scale;
  };
  fill(d.x, static_cast<size_t>(shape.h) * shape.w * shape.cin, 1.0f);
  fill(d.weights, static_cast<size_t>(shape.cout) * 9 * shape.cin, 0.5f);
  fill(d.bias, shape.cout, 1.0f);
  fill(d.skip, static_cast<size_t>(shape.out_h()) * shape.out_w() * shape.cout, 1.0f);
  // XNNPACK may read up to XNN_EXTRA_BYTES past the end of an input: pad (sizes come from shape).
  d.x.resize(d.x.size() + XNN_EXTRA_BYTES / sizeof(float), 0.0f);
  d.skip.resize(d.skip.size() + XNN_EXTRA_BYTES / sizeof(float), 0.0f);
  return d;
}

std::vector<float> smoke_reference(const SmokeData& d) {
  const SmokeShape& s = d.shape;
  const std::vector<double> mid = reference_conv_clamp(d);
  std::vector<float> y(s.out_size());
  for (int oy = 0; oy < s.out_h(); ++oy) {
    int y0, y1;
    double fy;
    source_coord(oy, 0.5, s.h, &y0, &y1, &fy);
    for (int ox = 0; ox < s.out_w(); ++ox) {
      int x0, x1;
      double fx;
      source_coord(ox, 0.5, s.w, &x0, &x1, &fx);
      for (int c = 0; c < s.cout; ++c) {
        auto at = [&](int yy, int xx) { return mid[nhwc(yy, xx, c, s.w, s.cout)]; };
        const double top = at(y0, x0) + (at(y0, x1) - at(y0, x0)) * fx;
        const double bottom = at(y1, x0) + (at(y1, x1) - at(y1, x0)) * fx;
        const size_t o = nhwc(oy, ox, c, s.out_w(), s.cout);
        y[o] = static_cast<float>(top + (bottom - top) * fy + d.skip[o]);
      }
    }
  }
  return y;
}

SmokeRuntime::SmokeRuntime(const SmokeData& data, pthreadpool* pool) {
  const SmokeShape& s = data.shape;
  out_.assign(s.out_size(), 0.0f);
  check(xnn_create_subgraph(3, 0, &subgraph_), "xnn_create_subgraph");
  const size_t in_dims[4] = {1, size_t(s.h), size_t(s.w), size_t(s.cin)};
  const size_t w_dims[4] = {size_t(s.cout), 3, 3, size_t(s.cin)};
  const size_t b_dims[1] = {size_t(s.cout)};
  const size_t mid_dims[4] = {1, size_t(s.h), size_t(s.w), size_t(s.cout)};
  const size_t up_dims[4] = {1, size_t(s.out_h()), size_t(s.out_w()), size_t(s.cout)};
  uint32_t in = 0, skip = 0, out = 0, w = 0, b = 0, conv = 0, clamped = 0, up = 0;
  auto tensor = [&](size_t rank, const size_t* dims, const void* values, uint32_t ext, uint32_t flags, uint32_t* id) {
    check(xnn_define_tensor_value(subgraph_, xnn_datatype_fp32, rank, dims, values, ext, flags, id),
          "xnn_define_tensor_value");
  };
  tensor(4, in_dims, nullptr, 0, XNN_VALUE_FLAG_EXTERNAL_INPUT, &in);
  tensor(4, up_dims, nullptr, 1, XNN_VALUE_FLAG_EXTERNAL_INPUT, &skip);
  tensor(4, up_dims, nullptr, 2, XNN_VALUE_FLAG_EXTERNAL_OUTPUT, &out);
  tensor(4, w_dims, data.weights.data(), XNN_INVALID_VALUE_ID, 0, &w);
  tensor(1, b_dims, data.bias.data(), XNN_INVALID_VALUE_ID, 0, &b);
  tensor(4, mid_dims, nullptr, XNN_INVALID_VALUE_ID, 0, &conv);
  tensor(4, mid_dims, nullptr, XNN_INVALID_VALUE_ID, 0, &clamped);
  tensor(4, up_dims, nullptr, XNN_INVALID_VALUE_ID, 0, &up);

  const float inf = std::numeric_limits<float>::infinity();
  check(xnn_define_convolution_2d(subgraph_, 1, 1, 1, 1, 3, 3, 1, 1, 1, 1, 1, size_t(s.cin), size_t(s.cout), -inf, inf,
                                  in, w, b, conv, 0),
        "xnn_define_convolution_2d");
  xnn_unary_params clamp{};
  clamp.clamp.min = 0.0f;
  clamp.clamp.max = 6.0f;
  check(xnn_define_unary(subgraph_, xnn_unary_clamp, &clamp, conv, clamped, 0), "xnn_define_unary(clamp)");
  check(xnn_define_static_resize_bilinear_2d(subgraph_, size_t(s.out_h()), size_t(s.out_w()), clamped, up, 0),
        "xnn_define_static_resize_bilinear_2d");
  xnn_binary_params add{-inf, inf};
  check(xnn_define_binary(subgraph_, xnn_binary_add, &add, up, skip, out, 0), "xnn_define_binary(add)");

  check(xnn_create_runtime_v2(subgraph_, pool, 0, &runtime_), "xnn_create_runtime_v2");
  const xnn_external_value ext[3] = {
      {in, const_cast<float*>(data.x.data())}, {skip, const_cast<float*>(data.skip.data())}, {out, out_.data()}};
  check(xnn_reshape_runtime(runtime_), "xnn_reshape_runtime");
  check(xnn_setup_runtime_v2(runtime_, 3, ext), "xnn_setup_runtime_v2");
}

SmokeRuntime::~SmokeRuntime() {
  if (runtime_ != nullptr) xnn_delete_runtime(runtime_);
  if (subgraph_ != nullptr) xnn_delete_subgraph(subgraph_);
}

void SmokeRuntime::run() { check(xnn_invoke_runtime(runtime_), "xnn_invoke_runtime"); }

double max_relative_error(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) return std::numeric_limits<double>::infinity();
  double worst = 0.0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double err = std::fabs(double(a[i]) - b[i]) / std::max(1.0, std::fabs(double(b[i])));
    if (!(err <= worst)) worst = std::isnan(err) ? std::numeric_limits<double>::infinity() : err;
  }
  return worst;
}

}  // namespace dv::testing
