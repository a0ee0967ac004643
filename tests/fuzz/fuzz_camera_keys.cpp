// libFuzzer entry point; the body is in fuzz_camera_keys_body.h (test_parallax.cpp replays its findings).
#include "fuzz/fuzz_camera_keys_body.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { return dv::fuzz::fuzz_camera_keys_one(data, size); }
