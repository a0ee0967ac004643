// libFuzzer target: model bytes -> ONNX reader -> graph import -> shape inference -> XNNPACK runtime.
// Any bytes must give either a model or one error message: never a crash, leak or hang.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "depthview/engine.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  char error[256];
  dv_model* m = dv_model_load_bytes(data, size, error, sizeof error);
  if (m == nullptr) return 0;
  // Dynamic inputs get small sizes, so the runtime is built (that is where XNNPACK is reached).
  for (size_t i = 0; i < dv_model_input_count(m); ++i) {
    dv_shape s = dv_model_input_shape(m, i);
    for (size_t k = 0; k < s.rank; ++k) s.dims[k] = s.dims[k] < 0 ? 4 : std::min<int64_t>(s.dims[k], 64);
    dv_model_set_input_shape(m, i, &s);
  }
  dv_model_free(m);
  return 0;
}
