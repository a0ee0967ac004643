// depthview engine: runs ONNX depth models on XNNPACK, natively and in WebAssembly.
//
//   char err[512];
//   dv_model* m = dv_model_load_file("fastdepth.onnx", err, sizeof err);
//   if (!m) { puts(err); return; }
//   dv_model_set_threads(m, 2);
//   dv_shape in = dv_model_input_shape(m, 0);          // -1 marks a size chosen at run time
//   dv_model_set_input_shape(m, 0, &in);                // fix every -1 first
//   dv_shape out = dv_model_output_shape(m, 0);
//   const float* inputs[] = {pixels};  float* outputs[] = {depth};
//   if (dv_model_run(m, inputs, outputs) != dv_ok) puts(dv_model_error(m));
//   dv_model_free(m);
//
// Tensors are float32, NCHW, densely packed. Errors never abort: every call that can fail
// returns a dv_status other than dv_ok (or NULL) and leaves a message that names the problem.
//
// Thread safety: a dv_model is used by one thread at a time (calls on one model must not overlap;
// dv_model_run uses the model's own worker threads). Different models may be used from different
// threads at once. The dv_operator_* functions may be called from any thread.
//
// Strings: names (dv_model_input_name, dv_model_output_name) live as long as the model; the texts
// of dv_model_error and dv_model_profile until the next call on the same model; operator names
// are static.
#ifndef DEPTHVIEW_ENGINE_H_
#define DEPTHVIEW_ENGINE_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DV_MAX_DIMS 8

typedef enum dv_status {
  dv_ok = 0,
  dv_error_invalid_argument = 1,  // a bad call: NULL, an index out of range, a shape the model refuses
  dv_error_invalid_model = 2,     // a corrupt or inconsistent model (or file), or one over a limit
  dv_error_unsupported = 3,       // a valid model using an operator, attribute or type the engine lacks
  dv_error_out_of_memory = 4,
} dv_status;

typedef struct dv_shape {
  size_t rank;
  int64_t dims[DV_MAX_DIMS];  // -1: not fixed by the model
} dv_shape;

typedef struct dv_model dv_model;

// Loads a model file; external-data files are read from the same folder. On failure returns
// NULL and writes a message to `error` (if not NULL; truncated to error_size - 1 bytes).
dv_model* dv_model_load_file(const char* path, char* error, size_t error_size);
// Loads a model from memory (the bytes are copied; no external data).
dv_model* dv_model_load_bytes(const void* data, size_t size, char* error, size_t error_size);
// The same, saying what kind of error stopped the load: *model is the model or NULL.
dv_status dv_model_open_file(const char* path, dv_model** model, char* error, size_t error_size);
dv_status dv_model_open_bytes(const void* data, size_t size, dv_model** model, char* error, size_t error_size);
void dv_model_free(dv_model* model);  // NULL is fine

// For a NULL model or an index out of range: 0, NULL, or a rank-0 shape.
size_t dv_model_input_count(const dv_model* model);
size_t dv_model_output_count(const dv_model* model);
const char* dv_model_input_name(const dv_model* model, size_t index);
const char* dv_model_output_name(const dv_model* model, size_t index);
// The input shape as declared by the model (a model declares at most DV_MAX_DIMS dims), or as last set.
dv_shape dv_model_input_shape(const dv_model* model, size_t index);
// Output shape for the current input shapes (rank 0 until every input shape is fixed).
dv_shape dv_model_output_shape(const dv_model* model, size_t index);
// What the height and width of input `index` must be multiples of: the patch size of a patch
// embedding that reads the input (a Conv whose kernel equals its stride, without padding, possibly
// after elementwise normalisation such as Sub / Div), as in vision transformers (Depth Anything: 14);
// 1 when the graph has none. 0 for a NULL model or an index out of range.
int64_t dv_model_input_multiple(const dv_model* model, size_t index);

// Worker threads for the next runs (1 = the calling thread only). Default: 1.
dv_status dv_model_set_threads(dv_model* model, size_t threads);
// Fixes input `index` to `shape` (rank <= DV_MAX_DIMS; dims the model fixes must match). Prepares the runtime for
// the new shapes; the runtimes of the last 2 shapes used are kept, weights are never reloaded.
dv_status dv_model_set_input_shape(dv_model* model, size_t index, const dv_shape* shape);
// Runs the model. inputs[i] / outputs[i] hold as many floats as their shapes (none may be NULL).
dv_status dv_model_run(dv_model* model, const float* const* inputs, float* const* outputs);

// Numeric precision. dv_precision_int8: MatMul and (non-grouped) Conv weights are quantized to
// int8 per output channel and their inputs per run (XNNPACK qd8) — faster, slightly less exact.
// Changing it rebuilds the runtimes on the next run. The layers a quantized model file holds as
// 8-bit or 4-bit codes run int8 (their own codes) in either precision; fp16 files compute in float32.
typedef enum dv_precision { dv_precision_fp32 = 0, dv_precision_int8 = 1 } dv_precision;
dv_status dv_model_set_precision(dv_model* model, dv_precision precision);

// How int8 mode runs on this CPU, measured once per process (the first call of either takes about
// 20 ms; the kernels are chosen when the first model loads). dv_int8_kernels: which int8 kernels
// XNNPACK uses (a static string); dv_int8_speedup: fp32 time / int8 time of a matrix product as
// XNNPACK runs them here (0 if unknown). Below DV_INT8_WORTH_IT, int8 mode is not worth offering.
#define DV_INT8_WORTH_IT 1.3
const char* dv_int8_kernels(void);
double dv_int8_speedup(void);

// Per-operator timing: when enabled, dv_model_profile() describes the last run, one line per
// XNNPACK operator kind, slowest first: "name<TAB>milliseconds<TAB>share%". Enabling it rebuilds
// the runtimes on the next run.
dv_status dv_model_set_profiling(dv_model* model, int enabled);
const char* dv_model_profile(dv_model* model);

// The ONNX operators the engine knows, in its registry's order (for tools and tests): `index` from 0
// to dv_operator_count() - 1; NULL past the end. Static strings; an operator outside ONNX's default
// set is named with its domain ("com.microsoft.MatMulNBits").
size_t dv_operator_count(void);
const char* dv_operator_name(size_t index);
// Whether the operator runs on computed tensors (1: itself, or rewritten at load into operators
// that do, as the quantized MatMuls are), or only folds when its inputs are known at load time (0:
// shape arithmetic such as Shape and Gather, or ops that only run inside a pattern, such as Erf
// in GELU and DynamicQuantizeLinear before MatMulInteger); -1 past the end.
int dv_operator_runs_on_activations(size_t index);

// The message of the last failed call on this model ("" if none, or for a NULL model).
const char* dv_model_error(const dv_model* model);

#ifdef __cplusplus
}
#endif

#endif  // DEPTHVIEW_ENGINE_H_
