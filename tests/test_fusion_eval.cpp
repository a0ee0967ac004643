// Fusion on the real RGB-D frames of ../shared/eval (native: the manifest reader): FastDepth's
// output fused with 5 % of each frame's sensor pixels; AbsRel / δ1 on the withheld pixels for
// fused, model-only (median scale) and nearest-sample fill are printed (bench/fusion_bench.cpp
// has the full table). Checks are structural, plus fused beating the model alone on average.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>

#include "depth/evaluate.h"
#include "depth/fusion.h"
#include "depth/pipeline.h"

namespace fs = std::filesystem;

TEST_CASE("fusion: the RGB-D frames of ../shared/eval with FastDepth") {
  const fs::path shared(DV_SHARED_DIR);
  if (!fs::exists(shared / "eval" / "manifest.json") || !fs::exists(shared / "models" / "fastdepth.onnx")) {
    MESSAGE("SKIPPED: ../shared/eval or ../shared/models/fastdepth.onnx not found (" << shared.string() << ")");
    return;
  }
  const dv::depth::ModelCatalog catalog(std::string(DV_TESTS_DIR) + "/../models/models.json", {});
  dv::depth::DepthEstimator est(catalog.resolve((shared / "models" / "fastdepth.onnx").string()), {2, false});
  double fused_sum = 0, model_sum = 0, nearest_sum = 0;
  const auto entries = dv::depth::read_eval_manifest((shared / "eval" / "manifest.json").string());
  for (const auto& e : entries) {
    const dv::depth::Image photo = dv::depth::load_image(e.rgb_path);
    const auto truth = dv::depth::match_photo_size(dv::depth::load_ground_truth(e), photo.width, photo.height, e.depth_path);
    const auto model = dv::depth::model_inverse_depth(est.run(photo).model_output, est.info().output, photo.width, photo.height);
    std::mt19937 rng(1);
    std::bernoulli_distribution pick(0.05);
    dv::depth::DepthMap kept = truth, withheld = truth;
    for (size_t i = 0; i < truth.values.size(); ++i) (pick(rng) ? withheld : kept).values[i] = 0.0f;
    const auto r = dv::depth::fuse_depth(kept, model);
    for (size_t i = 0; i < kept.values.size(); ++i) {
      REQUIRE(std::isfinite(r.depth.values[i]));
      REQUIRE(r.depth.values[i] > 0);
      if (kept.values[i] > 0) REQUIRE(r.depth.values[i] == kept.values[i]);
    }
    std::vector<double> ratio;
    for (size_t i = 0; i < kept.values.size(); ++i)
      if (kept.values[i] > 0) ratio.push_back(kept.values[i] * model.values[i]);
    std::nth_element(ratio.begin(), ratio.begin() + std::ptrdiff_t(ratio.size() / 2), ratio.end());
    dv::depth::DepthMap scaled = model;
    for (float& v : scaled.values) v = v > 0 ? float(ratio[ratio.size() / 2] / v) : 0.0f;
    const auto f = dv::depth::depth_metrics(r.depth, withheld), m = dv::depth::depth_metrics(scaled, withheld),
               n = dv::depth::depth_metrics(dv::depth::fill_nearest(kept), withheld);
    MESSAGE(e.id << ": AbsRel fused " << f.abs_rel << ", model-only " << m.abs_rel << ", nearest " << n.abs_rel << " ("
                 << r.summary() << ")");
    fused_sum += f.abs_rel, model_sum += m.abs_rel, nearest_sum += n.abs_rel;
  }
  MESSAGE("mean AbsRel over " << entries.size() << " frames: fused " << fused_sum / double(entries.size())
                              << ", model-only " << model_sum / double(entries.size()) << ", nearest "
                              << nearest_sum / double(entries.size()));
  CHECK(fused_sum < model_sum);
}
