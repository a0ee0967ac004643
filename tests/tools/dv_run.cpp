// dv_run: runs one ONNX model with the depthview engine on a photo (or seeded random input),
// prints shapes and timings, and can dump the input/output tensors as raw float32 files. Several
// sizes run one after the other on the model loaded once (weights are not reloaded).
// Used by the parity tests (tests/parity/parity.mjs) and the benchmarks; natively and as wasm.
//
//   dv_run MODEL [--photo P | --seed N] [--size HxW[,HxW...]] [--norm unit|imagenet] [--threads N]
//          [--runs N] [--warmup N] [--input-out F] [--output-out F]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#ifdef __EMSCRIPTEN__
#include <emscripten/heap.h>
#else
#include <sys/resource.h>
#endif

#include "depth/preprocess.h"
#include "depthview/engine.h"

namespace {

struct Options {
  std::string model, photo, size, norm = "unit", input_out, output_out;
  unsigned seed = 1;
  size_t threads = 1;
  int runs = 1, warmup = 0;
  bool profile = false, int8 = false;
};

std::string shape_str(const dv_shape& s) {
  std::string r;
  for (size_t i = 0; i < s.rank; ++i) r += (i ? "x" : "") + std::to_string(s.dims[i]);
  return r;
}

// Peak memory in MiB: the wasm heap (it only grows, so its size is the high-water mark), or the
// process's maximum resident set natively.
double peak_memory_mib() {
#ifdef __EMSCRIPTEN__
  return double(emscripten_get_heap_size()) / (1024.0 * 1024.0);
#else
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return double(usage.ru_maxrss) / 1024.0;
#endif
}

size_t count(const dv_shape& s) {
  size_t n = 1;
  for (size_t i = 0; i < s.rank; ++i) n *= size_t(s.dims[i]);
  return n;
}

void write_raw(const std::string& path, const std::vector<float>& v) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(v.data()), std::streamsize(v.size() * sizeof(float)));
  if (!out) throw std::runtime_error("cannot write " + path);
}

// The sizes of --size: "HxW" or a comma-separated list ("518x392,392x518"); empty: the model's.
std::vector<std::pair<int, int>> sizes_of(const std::string& list) {
  std::vector<std::pair<int, int>> r;
  for (size_t begin = 0; begin < list.size();) {
    const size_t end = std::min(list.find(',', begin), list.size());
    int h = 0, w = 0;
    if (std::sscanf(list.substr(begin, end - begin).c_str(), "%dx%d", &h, &w) != 2 || h <= 0 || w <= 0)
      throw std::runtime_error("--size must be HxW or a list HxW,HxW,..., e.g. 518x518");
    r.emplace_back(h, w);
    begin = end + 1;
  }
  return r;
}

// The input shape: the model's, with -1 dims (and, if given, H and W) from `size`.
dv_shape input_shape(dv_model* m, const Options& o, const std::pair<int, int>* size) {
  dv_shape s = dv_model_input_shape(m, 0);
  if (s.rank != 4) {  // not an image model: its declared shape must be fixed, the input random
    if (!o.photo.empty()) throw std::runtime_error("--photo needs a 1x3xHxW input, the model's has rank " + std::to_string(s.rank));
    return s;
  }
  if (s.dims[0] < 0) s.dims[0] = 1;
  if (s.dims[1] < 0) s.dims[1] = 3;
  if (size) {
    s.dims[2] = size->first;
    s.dims[3] = size->second;
  }
  if (s.dims[2] < 0 || s.dims[3] < 0) throw std::runtime_error("the model's input size is dynamic: pass --size HxW");
  return s;
}

std::vector<float> make_input(const dv_shape& s, const Options& o) {
  if (!o.photo.empty()) {
    const auto norm = o.norm == "imagenet" ? dv::depth::Normalization::imagenet() : dv::depth::Normalization::unit();
    return dv::depth::to_tensor(dv::depth::load_image(o.photo), int(s.dims[3]), int(s.dims[2]), norm);
  }
  std::mt19937 rng(o.seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> v(count(s));
  for (float& f : v) f = u(rng);
  return v;
}

// One input size: set the shape (the loaded weights are reused), run, print a line, dump tensors
// (with ".N" appended to the file names when several sizes run).
int run_size(dv_model* m, const Options& o, const std::pair<int, int>* size, const std::string& suffix, double load_ms) {
  auto fail = [&](const char* what) {
    std::fprintf(stderr, "dv_run: %s: %s\n", what, dv_model_error(m));
    return 1;
  };
  const auto t0 = std::chrono::steady_clock::now();
  const dv_shape in_shape = input_shape(m, o, size);
  if (dv_model_set_input_shape(m, 0, &in_shape) != dv_ok) return fail("input shape");
  const double prepare_ms = load_ms + std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  const dv_shape out_shape = dv_model_output_shape(m, 0);
  const std::vector<float> input = make_input(in_shape, o);
  std::vector<float> output(count(out_shape));
  const float* ins[] = {input.data()};
  float* outs[] = {output.data()};
  for (int i = 0; i < o.warmup; ++i)
    if (dv_model_run(m, ins, outs) != dv_ok) return fail("run");
  std::vector<double> times;
  for (int i = 0; i < std::max(1, o.runs); ++i) {
    const auto s = std::chrono::steady_clock::now();
    if (dv_model_run(m, ins, outs) != dv_ok) return fail("run");
    times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s).count());
  }
  std::sort(times.begin(), times.end());
  const auto [lo, hi] = std::minmax_element(output.begin(), output.end());
  std::printf("model=%s precision=%s input=%s output=%s threads=%zu load+prepare_ms=%.1f median_ms=%.2f min_ms=%.2f runs=%zu "
              "output_range=[%g, %g] peak_memory_mib=%.0f\n",
              o.model.c_str(), o.int8 ? "int8" : "fp32", shape_str(in_shape).c_str(), shape_str(out_shape).c_str(), o.threads, prepare_ms,
              times[times.size() / 2], times.front(), times.size(), double(*lo), double(*hi), peak_memory_mib());
  if (o.profile) std::printf("profile of the last run (operator, ms, share):\n%s", dv_model_profile(m));
  if (!o.input_out.empty()) write_raw(o.input_out + suffix, input);
  if (!o.output_out.empty()) write_raw(o.output_out + suffix, output);
  return 0;
}

int run(const Options& o) {
  const auto sizes = sizes_of(o.size);
  char err[1024];
  const auto t0 = std::chrono::steady_clock::now();
  dv_model* m = dv_model_load_file(o.model.c_str(), err, sizeof err);
  if (!m) {
    std::fprintf(stderr, "dv_run: %s: %s\n", o.model.c_str(), err);
    return 1;
  }
  int rc = 0;
  if (dv_model_set_threads(m, o.threads) != dv_ok || (o.profile && dv_model_set_profiling(m, 1) != dv_ok) ||
      (o.int8 && dv_model_set_precision(m, dv_precision_int8) != dv_ok)) {
    std::fprintf(stderr, "dv_run: settings: %s\n", dv_model_error(m));
    rc = 1;
  }
  const double load_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (sizes.empty() && rc == 0) rc = run_size(m, o, nullptr, "", load_ms);
  for (size_t i = 0; i < sizes.size() && rc == 0; ++i)
    rc = run_size(m, o, &sizes[i], sizes.size() > 1 ? "." + std::to_string(i) : "", i == 0 ? load_ms : 0.0);
  dv_model_free(m);
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Run an ONNX depth model with the depthview engine"};
  Options o;
  app.add_option("model", o.model, "ONNX model file")->required();
  app.add_option("--photo", o.photo, "photo to use as input (else seeded random values)");
  app.add_option("--seed", o.seed, "seed of the random input");
  app.add_option("--size", o.size, "input height x width, e.g. 518x518; a list (518x392,392x518) runs each size on the model loaded once");
  app.add_option("--norm", o.norm, "photo normalisation: unit (x/255) or imagenet")->check(CLI::IsMember({"unit", "imagenet"}));
  app.add_option("--threads", o.threads, "worker threads")->check(CLI::Range(1, 64));
  app.add_option("--runs", o.runs, "timed runs (the median is printed)");
  app.add_option("--warmup", o.warmup, "untimed runs first");
  app.add_flag("--profile", o.profile, "print the time of each XNNPACK operator kind");
  app.add_flag("--int8", o.int8, "int8 weights and dynamically quantized activations (XNNPACK qd8)");
  app.add_option("--input-out", o.input_out, "write the input tensor (raw float32)");
  app.add_option("--output-out", o.output_out, "write the output tensor (raw float32)");
  CLI11_PARSE(app, argc, argv);
  try {
    return run(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dv_run: %s\n", e.what());
    return 1;
  }
}
