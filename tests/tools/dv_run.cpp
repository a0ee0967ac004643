// dv_run: runs one ONNX model with the depthview engine on a photo (or seeded random input),
// prints shapes and timings, and can dump the input/output tensors as raw float32 files. Several
// sizes run one after the other on the model loaded once (weights are not reloaded).
// Used by the parity tests (tests/parity/parity.mjs), the op tests (tests/ops) and the
// benchmarks; natively and as wasm.
//
//   dv_run MODEL [--photo P | --seed N] [--size HxW[,HxW...]] [--norm unit|imagenet] [--threads N]
//          [--runs N] [--warmup N] [--int8] [--input-out F] [--output-out F]
//   dv_run --batch FILE   one run per line of FILE, each line the arguments above (MODEL first;
//                         quote paths with spaces); a failed run prints "model=MODEL error=MESSAGE"
//                         in place of its result line and the next line runs (one process for many
//                         small models: starting the wasm build costs more than running them)
//   dv_run --list-ops     the engine's operators, "NAME<TAB>1|0" (1: runs on computed tensors)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
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
// process's maximum resident set natively: Linux's VmHWM, which starts afresh at exec, where
// getrusage's ru_maxrss keeps the parent's (a dv_run started by node would report node's size).
double peak_memory_mib() {
#ifdef __EMSCRIPTEN__
  return double(emscripten_get_heap_size()) / (1024.0 * 1024.0);
#else
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;  // "VmHWM:  12345 kB"
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
    if (!o.photo.empty())
      throw std::runtime_error("--photo needs a 1x3xHxW input, the model's has rank " + std::to_string(s.rank));
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

// The output shapes, joined by ',' for the result line.
std::string shapes_str(const std::vector<dv_shape>& shapes) {
  std::string r;
  for (const dv_shape& s : shapes) r += (r.empty() ? "" : ",") + shape_str(s);
  return r;
}

using ModelPtr = std::unique_ptr<dv_model, decltype(&dv_model_free)>;

// One input size: set the shape (the loaded weights are reused), run, print a line, dump tensors
// (with ".N" appended to the file names when several sizes run; several outputs one after the
// other in one file). Failures throw, with the engine's message.
void run_size(dv_model* m, const Options& o, const std::pair<int, int>* size, const std::string& suffix,
              double load_ms) {
  auto check = [&](dv_status status, const char* what) {
    if (status != dv_ok) throw std::runtime_error(std::string(what) + ": " + dv_model_error(m));
  };
  const auto t0 = std::chrono::steady_clock::now();
  const dv_shape in_shape = input_shape(m, o, size);
  check(dv_model_set_input_shape(m, 0, &in_shape), "input shape");
  const double prepare_ms =
      load_ms + std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  const double prepared_memory_mib = peak_memory_mib();  // before any run: what loading alone costs
  std::vector<dv_shape> out_shapes;
  size_t out_count = 0;
  for (size_t i = 0; i < dv_model_output_count(m); ++i) {
    out_shapes.push_back(dv_model_output_shape(m, i));
    out_count += count(out_shapes.back());
  }
  const std::vector<float> input = make_input(in_shape, o);
  std::vector<float> output(out_count);
  std::vector<float*> outs;
  for (size_t i = 0, offset = 0; i < out_shapes.size(); offset += count(out_shapes[i++]))
    outs.push_back(output.data() + offset);
  const float* ins[] = {input.data()};
  for (int i = 0; i < o.warmup; ++i) check(dv_model_run(m, ins, outs.data()), "run");
  std::vector<double> times;
  for (int i = 0; i < std::max(1, o.runs); ++i) {
    const auto s = std::chrono::steady_clock::now();
    check(dv_model_run(m, ins, outs.data()), "run");
    times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s).count());
  }
  std::sort(times.begin(), times.end());
  const auto [lo, hi] = std::minmax_element(output.begin(), output.end());
  std::printf(
      "model=%s precision=%s input=%s output=%s threads=%zu load+prepare_ms=%.1f median_ms=%.2f min_ms=%.2f max_ms=%.2f runs=%zu "
      "output_range=[%g, %g] load_memory_mib=%.0f peak_memory_mib=%.0f\n",
      o.model.c_str(), o.int8 ? "int8" : "fp32", shape_str(in_shape).c_str(), shapes_str(out_shapes).c_str(), o.threads,
      prepare_ms, times[times.size() / 2], times.front(), times.back(), times.size(), output.empty() ? 0.0 : double(*lo),
      output.empty() ? 0.0 : double(*hi), prepared_memory_mib, peak_memory_mib());
  if (o.int8) std::printf("int8_kernels=\"%s\" int8_speedup=%.2f\n", dv_int8_kernels(), dv_int8_speedup());
  if (o.profile) std::printf("profile of the last run (operator, ms, share):\n%s", dv_model_profile(m));
  if (!o.input_out.empty()) write_raw(o.input_out + suffix, input);
  if (!o.output_out.empty()) write_raw(o.output_out + suffix, output);
}

void run(const Options& o) {
  const auto sizes = sizes_of(o.size);
  char err[1024];
  const auto t0 = std::chrono::steady_clock::now();
  const ModelPtr model(dv_model_load_file(o.model.c_str(), err, sizeof err), dv_model_free);
  dv_model* m = model.get();
  if (!m) throw std::runtime_error(o.model + ": " + err);
  if (dv_model_set_threads(m, o.threads) != dv_ok || (o.profile && dv_model_set_profiling(m, 1) != dv_ok) ||
      (o.int8 && dv_model_set_precision(m, dv_precision_int8) != dv_ok))
    throw std::runtime_error(std::string("settings: ") + dv_model_error(m));
  const double load_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (sizes.empty()) run_size(m, o, nullptr, "", load_ms);
  for (size_t i = 0; i < sizes.size(); ++i)
    run_size(m, o, &sizes[i], sizes.size() > 1 ? "." + std::to_string(i) : "", i == 0 ? load_ms : 0.0);
}

// The options of one run (on the command line, or on one line of a --batch file).
void add_run_options(CLI::App& app, Options& o) {
  app.add_option("model", o.model, "ONNX model file");
  app.add_option("--photo", o.photo, "photo to use as input (else seeded random values)");
  app.add_option("--seed", o.seed, "seed of the random input");
  app.add_option(
      "--size", o.size,
      "input height x width, e.g. 518x518; a list (518x392,392x518) runs each size on the model loaded once");
  app.add_option("--norm", o.norm, "photo normalisation: unit (x/255) or imagenet")
      ->check(CLI::IsMember({"unit", "imagenet"}));
  app.add_option("--threads", o.threads, "worker threads")->check(CLI::Range(1, 64));
  app.add_option("--runs", o.runs, "timed runs (the median is printed)");
  app.add_option("--warmup", o.warmup, "untimed runs first");
  app.add_flag("--profile", o.profile, "print the time of each XNNPACK operator kind");
  app.add_flag("--int8", o.int8, "int8 weights and dynamically quantized activations (XNNPACK qd8)");
  app.add_option("--input-out", o.input_out, "write the input tensor (raw float32)");
  app.add_option("--output-out", o.output_out, "write the output tensors (raw float32, one after the other)");
}

// Each line of `file` is one run's arguments; a failed run prints its error on stdout, in order
// with the other results, and the batch goes on. Exit status 1 if any run failed.
int run_batch(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read " + file);
  int failures = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    Options o;
    try {
      CLI::App app;
      add_run_options(app, o);
      app.parse(line, false);
      if (o.model.empty()) throw std::runtime_error("no model on batch line '" + line + "'");
      run(o);
    } catch (const std::exception& e) {
      std::string message = e.what();
      std::replace(message.begin(), message.end(), '\n', ' ');  // one line per run
      std::printf("model=%s error=%s\n", o.model.c_str(), message.c_str());
      ++failures;
    }
    std::fflush(stdout);
  }
  return failures ? 1 : 0;
}

void list_ops() {
  for (size_t i = 0; i < dv_operator_count(); ++i)
    std::printf("%s\t%d\n", dv_operator_name(i), dv_operator_runs_on_activations(i));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Run an ONNX depth model with the depthview engine"};
  Options o;
  std::string batch;
  bool ops = false;
  add_run_options(app, o);
  app.add_option("--batch", batch, "run each line of this file (a model and its options), one result line each");
  app.add_flag("--list-ops", ops,
               "print the engine's operators: NAME<TAB>1 (runs on computed tensors) or 0 (folds only)");
  CLI11_PARSE(app, argc, argv);
  try {
    if (ops) list_ops();
    else if (!batch.empty()) return run_batch(batch);
    else if (o.model.empty())
      throw std::runtime_error("a model file is needed (or --batch FILE, --list-ops); see --help");
    else run(o);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dv_run: %s\n", e.what());
    return 1;
  }
}
