// A scratch folder per test case (tests that run Debian's tools), removed at the end.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

namespace dv::test {

struct TempDir {
  std::filesystem::path path;
  // mkdtemp, not the process id: every wasm process has the same one (42), and the wasm builds'
  // suites may run at the same time.
  explicit TempDir(const std::string& prefix = "dv_test") {
    std::string name = (std::filesystem::temp_directory_path() / (prefix + "_XXXXXX")).string();
    if (mkdtemp(name.data()) == nullptr) throw std::runtime_error("cannot create a scratch folder " + name);
    path = name;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

}  // namespace dv::test
