// exiftool (Debian's libimage-exiftool-perl) as the reference reader the tests compare metadata
// parsers with (natively and, through node, in wasm: support/run_command.h); tests skip the
// comparison with a MESSAGE when it is not installed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "support/run_command.h"
#include "support/temp_dir.h"

namespace dv::test {

inline bool have_exiftool() { return run_command("exiftool -ver > /dev/null 2>&1") == 0; }

// What `exiftool ARGS FILE` prints (into a file of the scratch folder: binary values stay exact).
inline std::vector<uint8_t> exiftool(const std::string& args, const std::filesystem::path& file, const TempDir& tmp) {
  const std::filesystem::path out = tmp.path / "exiftool.out";
  const std::string command = "exiftool " + args + " '" + file.string() + "' > '" + out.string() + "'";
  REQUIRE(run_command(command) == 0);
  std::ifstream in(out, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// exiftool's printed values of a tag, one per occurrence (-a keeps the list items of a structure).
inline std::vector<std::string> exiftool_values(const std::string& tag, const std::filesystem::path& file,
                                                const TempDir& tmp) {
  const std::vector<uint8_t> out = exiftool("-s3 -a " + tag, file, tmp);
  std::istringstream lines(std::string(out.begin(), out.end()));
  std::vector<std::string> values;
  for (std::string line; std::getline(lines, line);) values.push_back(line);
  return values;
}

// A numeric tag's value as stored (-b: exiftool's raw value, no print conversion).
inline double exiftool_number(const std::string& tag, const std::filesystem::path& file, const TempDir& tmp) {
  const std::vector<uint8_t> out = exiftool("-b " + tag, file, tmp);
  return std::stod(std::string(out.begin(), out.end()));
}

}  // namespace dv::test
