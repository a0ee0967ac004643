// libFuzzer entry point; the body is in fuzz_container_body.h (the container tests replay its findings).
#include "fuzz/fuzz_container_body.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { return dv::fuzz::fuzz_container_one(data, size); }
