// libFuzzer entry point; the body is in fuzz_bodies.h.
#include "fuzz/fuzz_bodies.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return dv::fuzz::fuzz_export_one(data, size);
}
