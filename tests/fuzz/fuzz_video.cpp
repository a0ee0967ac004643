// libFuzzer entry point; the body is in fuzz_video_body.h (the video tests replay its findings).
#include "fuzz/fuzz_video_body.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { return dv::fuzz::fuzz_video_one(data, size); }
