// The evaluation protocol: an output that is an affine function of the true inverse depth scores
// AbsRel 0 and δ1 1 (scale and shift are fitted); invalid pixels are ignored; a wrong output
// scores worse; ground truth reads from 16-bit PNG/PGM (big-endian) and .npy.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <xtensor/xarray.hpp>
#include <xtensor/xnpy.hpp>

#include "depth/evaluate.h"

namespace {
dv::depth::DepthMap ground_truth(int w, int h) {
  dv::depth::DepthMap gt{w, h, std::vector<float>(size_t(w * h))};
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) gt.values[size_t(y * w + x)] = 1.0f + 0.05f * float(x) + 0.02f * float(y);
  gt.values[3] = 0.0f;  // no measurement
  return gt;
}
std::string temp(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("dv-eval-" + name)).string();
}
}  // namespace

TEST_CASE("evaluate: fitted scale and shift make an affine inverse depth exact") {
  const auto gt = ground_truth(32, 24);
  dv::depth::DepthMap inverse = gt, depth = gt, wrong = gt;
  for (size_t i = 0; i < gt.values.size(); ++i) {
    inverse.values[i] = gt.values[i] > 0 ? 3.0f / gt.values[i] + 0.5f : 123.0f;
    depth.values[i] = 2.0f * gt.values[i];
    wrong.values[i] = float(i % 7);
  }
  const auto a = dv::depth::evaluate_depth(inverse, dv::depth::OutputKind::RelativeInverseDepth, gt);
  CHECK(a.abs_rel == doctest::Approx(0.0).epsilon(1e-5));
  CHECK(a.delta1 == doctest::Approx(1.0));
  CHECK(a.valid_pixels == gt.values.size() - 1);
  const auto b = dv::depth::evaluate_depth(depth, dv::depth::OutputKind::MetricDepth, gt);
  CHECK(b.abs_rel < 1e-5);
  const auto c = dv::depth::evaluate_depth(wrong, dv::depth::OutputKind::RelativeInverseDepth, gt);
  CHECK(c.abs_rel > 0.05);
  CHECK(c.delta1 < 1.0);
}

TEST_CASE("evaluate: ground truth from a big-endian 16-bit PGM and from .npy, decodings by name, manifest errors named") {
  const std::string pgm = temp("gt.pgm"), npy = temp("gt.npy"), manifest = temp("manifest.json");
  {
    std::ofstream out(pgm, std::ios::binary);
    out << "P5 2 1 65535\n";
    const unsigned char samples[] = {0x1C, 0xE4, 0x00, 0x01};  // 7396, 1 (big-endian)
    out.write(reinterpret_cast<const char*>(samples), sizeof samples);
  }
  xt::dump_npy(npy, xt::xarray<float>{{{1.5f, 2.5f, 0.0f}}});  // 1x1x3: extra axis squeezed
  {
    std::ofstream out(manifest);
    out << R"([{"id": "a", "rgb": "x.png", "depth": ")" << std::filesystem::path(pgm).filename().string()
        << R"(", "scale": 0.001}, {"id": "b", "rgb": "y.png", "depth": ")"
        << std::filesystem::path(npy).filename().string() << R"(", "decode": "npy_m"}])";
  }
  const auto entries = dv::depth::read_eval_manifest(manifest);
  REQUIRE(entries.size() == 2);
  const auto a = dv::depth::load_ground_truth(entries[0]);
  REQUIRE(a.values.size() == 2);
  CHECK(a.values[0] == doctest::Approx(7.396f));
  CHECK(a.values[1] == doctest::Approx(0.001f));
  const auto b = dv::depth::load_ground_truth(entries[1]);
  CHECK(b.width == 3);
  CHECK(b.height == 1);
  CHECK(b.values[1] == doctest::Approx(2.5f));
  // The sensor decodings by name (sensor_depth.h): the same samples as TUM (/ 5000) and SUN RGB-D.
  std::ofstream(manifest) << R"([{"id": "t", "rgb": "x.png", "depth": ")" << std::filesystem::path(pgm).filename().string()
                          << R"(", "decoding": "tum"}])";
  const auto tum = dv::depth::load_ground_truth(dv::depth::read_eval_manifest(manifest).at(0));
  CHECK(tum.values[0] == doctest::Approx(7396 / 5000.0f));
  std::ofstream(manifest) << R"([{"id": "s", "rgb": "x.png", "depth": "d.png", "decoding": "sunrgbd"}])";
  CHECK(dv::depth::read_eval_manifest(manifest).at(0).decoding.units == dv::depth::SensorUnits::SunRgbd);
  std::ofstream(manifest) << R"([{"id": "u", "rgb": "x.png", "depth": "d.png", "decoding": "feet"}])";
  CHECK_THROWS_WITH(dv::depth::read_eval_manifest(manifest), doctest::Contains("entry u: unknown sensor depth decoding 'feet'"));
  std::ofstream(manifest) << R"([{"id": "v", "rgb": "x.png", "depth": "d.png", "decoding": "mm", "scale": 0.001}])";
  CHECK_THROWS_WITH(dv::depth::read_eval_manifest(manifest), doctest::Contains("entry v has more than one of"));
  std::ofstream(manifest) << R"([{"id": "c", "rgb": "x.png", "depth": "d.png"}])";
  CHECK_THROWS_WITH(dv::depth::read_eval_manifest(manifest), doctest::Contains("no depth scale"));
  CHECK_THROWS_WITH(dv::depth::read_eval_manifest(temp("missing.json")), doctest::Contains("cannot open"));
  for (const auto& f : {pgm, npy, manifest}) std::filesystem::remove(f);
}
