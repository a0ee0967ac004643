// The public C API (depthview/engine.h) over the IR and the XNNPACK runtime.
#include "depthview/engine.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <numeric>
#include <string>
#include <string_view>

#include "engine/int8_kernels.h"
#include "engine/ir/graph.h"
#include "engine/ops/conv.h"
#include "engine/ops/registry.h"
#include "engine/thread_pool.h"
#include "engine/xnn/runtime.h"

struct dv_model {
  dv::ir::Graph graph;
  std::vector<dv::ir::Shape> declared, inputs;  // as the model declares them; as set
  size_t threads = 1;
  dv::xnn::RuntimeOptions options;
  std::string profile;  // text of dv_model_profile
  std::unique_ptr<dv::ThreadPool> pool;
  std::unique_ptr<dv::xnn::SharedWeights> shared;
  struct Prepared {
    std::unique_ptr<dv::xnn::Runtime> runtime;
    uint64_t last_use = 0;
  };
  std::map<std::vector<dv::ir::Shape>, Prepared> runtimes;  // per input shapes, the recently used ones
  uint64_t uses = 0;
  dv::xnn::Runtime* current = nullptr;
  std::string error;
};

namespace {

void write_error(char* out, size_t size, const std::string& msg) {
  if (out == nullptr || size == 0) return;
  std::strncpy(out, msg.c_str(), size - 1);
  out[size - 1] = '\0';
}

dv_shape to_dv(const dv::ir::Shape& s) {
  dv_shape r{};
  r.rank = s.size();
  for (size_t i = 0; i < s.size() && i < DV_MAX_DIMS; ++i) r.dims[i] = s[i];
  return r;
}

bool fixed(const dv::ir::Shape& s) {
  for (int64_t d : s)
    if (d < 0) return false;
  return true;
}

// Runs `fn`; an exception becomes its status, with the message in `error`.
template <typename F>
dv_status status_of(std::string& error, F&& fn) {
  try {
    fn();
    error.clear();
    return dv_ok;
  } catch (const std::bad_alloc&) {
    error = "out of memory";
    return dv_error_out_of_memory;
  } catch (const std::invalid_argument& e) {
    error = e.what();
    return dv_error_invalid_argument;
  } catch (const dv::onnx::UnsupportedError& e) {
    error = e.what();
    return dv_error_unsupported;
  } catch (const std::exception& e) {
    error = e.what();
    return dv_error_invalid_model;
  }
}

// The same for a call on a model, which keeps the message.
template <typename F>
dv_status guarded(dv_model* m, F&& fn) {
  if (m == nullptr) return dv_error_invalid_argument;
  return status_of(m->error, std::forward<F>(fn));
}

std::unique_ptr<dv::xnn::SharedWeights> make_shared_weights(const dv_model* m) {
  return std::make_unique<dv::xnn::SharedWeights>(dv::xnn::SharedWeights::capacity_for(m->graph, m->options.int8));
}

dv_status open(dv::onnx::Model (*parse)(const void*, size_t), const void* a, size_t b, dv_model** model, char* error,
               size_t error_size) {
  std::string why;
  auto m = std::make_unique<dv_model>();
  const dv_status status = status_of(why, [&] {
    if (model == nullptr) throw std::invalid_argument("no place for the model given");
    std::string not_ready;
    if (!dv::xnnpack_ready(&not_ready)) throw dv::onnx::UnsupportedError(not_ready);
    m->graph = dv::ir::import(parse(a, b));
    m->shared = make_shared_weights(m.get());
    for (int v : m->graph.inputs) {
      dv::ir::Shape s;
      for (const auto& in : m->graph.model.graph.inputs)
        if (in.name == m->graph.values[size_t(v)].name)
          for (const auto& d : in.shape) s.push_back(d.value);
      if (s.size() > DV_MAX_DIMS)
        throw dv::onnx::UnsupportedError("input '" + m->graph.values[size_t(v)].name + "' has rank " +
                                         std::to_string(s.size()) + ", more than " + std::to_string(DV_MAX_DIMS));
      m->declared.push_back(s);
    }
    m->inputs = m->declared;
    if (std::all_of(m->inputs.begin(), m->inputs.end(), fixed))
      dv::ir::infer_shapes(m->graph, m->inputs);  // validates the graph at load time
  });
  if (status == dv_error_out_of_memory) why = "out of memory while loading the model";
  write_error(error, error_size, why);
  if (model) *model = status == dv_ok ? m.release() : nullptr;
  return status;
}

dv::onnx::Model parse_file(const void* path, size_t) {
  return dv::onnx::load_model_file(static_cast<const char*>(path));
}
dv::onnx::Model parse_bytes(const void* data, size_t size) {
  auto bytes = std::make_shared<std::vector<uint8_t>>(static_cast<const uint8_t*>(data),
                                                      static_cast<const uint8_t*>(data) + size);
  return dv::onnx::parse_model(bytes);
}

// Runtimes (activation buffers) kept for input shapes used before: photos of a few aspect ratios
// switch back and forth cheaply (landscape and portrait), while new sizes do not grow memory without
// bound (a Depth Anything V2 runtime holds 100-200 MB of activations).
constexpr size_t kKeptRuntimes = 2;

// Makes (or reuses) the runtime for the current input shapes.
void prepare(dv_model* m) {
  dv::ir::infer_shapes(m->graph, m->inputs);  // output shapes follow the current inputs
  auto it = m->runtimes.find(m->inputs);
  if (it == m->runtimes.end()) {
    while (m->runtimes.size() >= kKeptRuntimes) {
      auto oldest = std::min_element(m->runtimes.begin(), m->runtimes.end(), [](const auto& a, const auto& b) {
        return a.second.last_use < b.second.last_use;
      });
      if (oldest->second.runtime.get() == m->current) m->current = nullptr;
      m->runtimes.erase(oldest);
    }
    auto runtime =
        std::make_unique<dv::xnn::Runtime>(m->graph, m->pool ? m->pool->get() : nullptr, *m->shared, m->options);
    it = m->runtimes.emplace(m->inputs, dv_model::Prepared{std::move(runtime), 0}).first;
  }
  it->second.last_use = ++m->uses;
  m->current = it->second.runtime.get();
}

// Follows the input through elementwise ops (normalisation) to the Convs that read it.
int64_t input_multiple(const dv::ir::Graph& g, int input) {
  static constexpr std::string_view kPassThrough[] = {"Add", "Sub", "Mul", "Div", "Cast", "Identity"};
  std::vector<bool> reaches(g.values.size(), false);
  reaches[size_t(input)] = true;
  int64_t multiple = 1;
  for (const dv::ir::Op& op : g.ops) {  // in topological order
    if (op.removed ||
        !std::any_of(op.inputs.begin(), op.inputs.end(), [&](int v) { return v >= 0 && reaches[size_t(v)]; }))
      continue;
    if (op.type == "Conv" && op.input(0) >= 0 && reaches[size_t(op.input(0))]) {
      multiple = std::lcm(multiple, dv::ops::patch_size(g, op));
    } else if (std::find(std::begin(kPassThrough), std::end(kPassThrough), op.type) != std::end(kPassThrough)) {
      for (int v : op.outputs)
        if (v >= 0) reaches[size_t(v)] = true;
    }
  }
  return multiple;
}

}  // namespace

extern "C" {

dv_status dv_model_open_file(const char* path, dv_model** model, char* error, size_t error_size) {
  if (path == nullptr) {
    write_error(error, error_size, "no model path given");
    if (model) *model = nullptr;
    return dv_error_invalid_argument;
  }
  return open(parse_file, path, 0, model, error, error_size);
}

dv_status dv_model_open_bytes(const void* data, size_t size, dv_model** model, char* error, size_t error_size) {
  if (data == nullptr && size > 0) {
    write_error(error, error_size, "no model bytes given");
    if (model) *model = nullptr;
    return dv_error_invalid_argument;
  }
  return open(parse_bytes, data, size, model, error, error_size);
}

dv_model* dv_model_load_file(const char* path, char* error, size_t error_size) {
  dv_model* m = nullptr;
  dv_model_open_file(path, &m, error, error_size);
  return m;
}

dv_model* dv_model_load_bytes(const void* data, size_t size, char* error, size_t error_size) {
  dv_model* m = nullptr;
  dv_model_open_bytes(data, size, &m, error, error_size);
  return m;
}

void dv_model_free(dv_model* model) { delete model; }

size_t dv_model_input_count(const dv_model* m) { return m ? m->graph.inputs.size() : 0; }
size_t dv_model_output_count(const dv_model* m) { return m ? m->graph.outputs.size() : 0; }

const char* dv_model_input_name(const dv_model* m, size_t i) {
  return m && i < m->graph.inputs.size() ? m->graph.values[size_t(m->graph.inputs[i])].name.c_str() : nullptr;
}
const char* dv_model_output_name(const dv_model* m, size_t i) {
  return m && i < m->graph.outputs.size() ? m->graph.values[size_t(m->graph.outputs[i])].name.c_str() : nullptr;
}

dv_shape dv_model_input_shape(const dv_model* m, size_t i) {
  return m && i < m->inputs.size() ? to_dv(m->inputs[i]) : dv_shape{};
}

int64_t dv_model_input_multiple(const dv_model* m, size_t i) {
  return m && i < m->graph.inputs.size() ? input_multiple(m->graph, m->graph.inputs[i]) : 0;
}

dv_shape dv_model_output_shape(const dv_model* m, size_t i) {
  if (m == nullptr || i >= m->graph.outputs.size()) return dv_shape{};
  const dv::ir::Value& v = m->graph.values[size_t(m->graph.outputs[i])];
  return v.shape_known ? to_dv(v.shape) : dv_shape{};
}

dv_status dv_model_set_threads(dv_model* m, size_t threads) {
  return guarded(m, [&] {
    if (threads == 0) throw std::invalid_argument("the thread count must be at least 1");
    if (threads == m->threads) return;
    m->runtimes.clear();  // runtimes are bound to their pool
    m->current = nullptr;
    m->shared = make_shared_weights(m);
    m->pool = threads > 1 ? std::make_unique<dv::ThreadPool>(threads) : nullptr;
    m->threads = threads;
  });
}

dv_status dv_model_set_input_shape(dv_model* m, size_t index, const dv_shape* shape) {
  return guarded(m, [&] {
    if (index >= m->inputs.size()) throw std::invalid_argument("the model has no input " + std::to_string(index));
    if (shape == nullptr) throw std::invalid_argument("no shape given");
    if (shape->rank > DV_MAX_DIMS)
      throw std::invalid_argument("a shape has at most " + std::to_string(DV_MAX_DIMS) + " dims, got rank " +
                                  std::to_string(shape->rank));
    const dv::ir::Shape& want = m->declared[index];
    dv::ir::Shape got(shape->dims, shape->dims + shape->rank);
    if (!want.empty() && got.size() != want.size())
      throw std::invalid_argument("input '" + std::string(dv_model_input_name(m, index)) + "' has rank " +
                                  std::to_string(want.size()) + ", got a rank-" + std::to_string(got.size()) +
                                  " shape");
    for (size_t k = 0; k < got.size(); ++k) {
      if (got[k] <= 0) throw std::invalid_argument("input dimensions must be positive, got " + dv::ir::to_string(got));
      if (!want.empty() && want[k] >= 0 && want[k] != got[k])
        throw std::invalid_argument("input '" + std::string(dv_model_input_name(m, index)) + "' must be " +
                                    dv::ir::to_string(want) + " (-1 = any), got " + dv::ir::to_string(got));
    }
    const dv::ir::Shape previous = m->inputs[index];
    m->inputs[index] = got;
    if (!std::all_of(m->inputs.begin(), m->inputs.end(), fixed)) return;
    try {
      prepare(m);
    } catch (...) {
      m->inputs[index] = previous;
      m->current = nullptr;
      throw;
    }
  });
}

dv_status dv_model_run(dv_model* m, const float* const* inputs, float* const* outputs) {
  return guarded(m, [&] {
    if (inputs == nullptr || outputs == nullptr) throw std::invalid_argument("no inputs or outputs given");
    for (size_t i = 0; i < m->graph.inputs.size(); ++i)
      if (inputs[i] == nullptr) throw std::invalid_argument("input " + std::to_string(i) + " is NULL");
    for (size_t i = 0; i < m->graph.outputs.size(); ++i)
      if (outputs[i] == nullptr) throw std::invalid_argument("output " + std::to_string(i) + " is NULL");
    if (m->current == nullptr) {
      if (!std::all_of(m->inputs.begin(), m->inputs.end(), fixed))
        throw std::invalid_argument("set every input shape (dv_model_set_input_shape) before running");
      prepare(m);
    }
    m->current->run(std::vector<const float*>(inputs, inputs + m->graph.inputs.size()),
                    std::vector<float*>(outputs, outputs + m->graph.outputs.size()));
  });
}

namespace {
// Options are fixed when a runtime is created: drop the runtimes (and, for other weights, the
// shared packed weights) so the next run builds new ones.
dv_status set_option(dv_model* m, bool dv::xnn::RuntimeOptions::* field, bool value, bool weights_change) {
  return guarded(m, [&] {
    if (m->options.*field == value) return;
    m->options.*field = value;
    m->runtimes.clear();
    m->current = nullptr;
    if (weights_change) m->shared = make_shared_weights(m);
  });
}
}  // namespace

dv_status dv_model_set_profiling(dv_model* m, int enabled) {
  return set_option(m, &dv::xnn::RuntimeOptions::profile, enabled != 0, false);
}

const char* dv_int8_kernels(void) {
  dv::xnnpack_ready(nullptr);
  return dv::int8_kernels().c_str();
}

double dv_int8_speedup(void) { return dv::xnnpack_ready(nullptr) ? dv::int8_speedup() : 0.0; }

dv_status dv_model_set_precision(dv_model* m, dv_precision precision) {
  if (m == nullptr) return dv_error_invalid_argument;
  if (precision != dv_precision_fp32 && precision != dv_precision_int8) {
    m->error = "unknown precision " + std::to_string(int(precision));
    return dv_error_invalid_argument;
  }
  return set_option(m, &dv::xnn::RuntimeOptions::int8, precision == dv_precision_int8, true);
}

const char* dv_model_profile(dv_model* m) {
  if (m == nullptr) return "";
  m->profile.clear();
  if (m->current == nullptr) return m->profile.c_str();
  std::map<std::string, uint64_t> by_name;
  uint64_t total = 0;
  for (const auto& [name, us] : m->current->profile()) {
    by_name[name] += us;
    total += us;
  }
  std::vector<std::pair<uint64_t, std::string>> rows;
  for (const auto& [name, us] : by_name) rows.emplace_back(us, name);
  std::sort(rows.rbegin(), rows.rend());
  char line[256];
  for (const auto& [us, name] : rows) {
    std::snprintf(line, sizeof line, "%s\t%.2f\t%.1f%%\n", name.c_str(), double(us) / 1000.0,
                  total ? 100.0 * double(us) / double(total) : 0.0);
    m->profile += line;
  }
  return m->profile.c_str();
}

const char* dv_model_error(const dv_model* m) { return m ? m->error.c_str() : ""; }

size_t dv_operator_count(void) { return dv::ops::all().size(); }
const char* dv_operator_name(size_t i) {
  static const std::vector<std::string> names = [] {  // "com.microsoft.MatMulNBits" outside ONNX's own set
    std::vector<std::string> n;
    for (const dv::ops::OpDef& d : dv::ops::all())
      n.push_back(d.domain.empty() ? std::string(d.type) : std::string(d.domain) + "." + std::string(d.type));
    return n;
  }();
  return i < names.size() ? names[i].c_str() : nullptr;
}
int dv_operator_runs_on_activations(size_t i) {
  if (i >= dv::ops::all().size()) return -1;
  const dv::ops::OpDef& def = dv::ops::all()[i];
  return def.lower != nullptr || def.rewrite != nullptr;
}

}  // extern "C"
