// Runs a shell command for a test and gives its exit status: natively through std::system, in wasm
// (under node) through node's child_process. So the tests that make files with Debian's tools and
// compare with their reference decoders (heif-convert, dwebp, exiftool…) run in both builds.
#pragma once

#include <string>

namespace dv::test {

// The command's exit status; 127 when the shell could not run it, 128 + n when signal n ended it.
int run_command(const std::string& command);

}  // namespace dv::test
