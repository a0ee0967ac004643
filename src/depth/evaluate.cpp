#include "depth/evaluate.h"

#include "depth/image.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>
#include <xtensor/xarray.hpp>
#include <xtensor/xnpy.hpp>

namespace dv::depth {

std::vector<EvalEntry> read_eval_manifest(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open the evaluation manifest");
  const std::filesystem::path base = std::filesystem::path(path).parent_path();
  std::vector<EvalEntry> entries;
  try {
    for (const auto& e : nlohmann::json::parse(in)) {
      EvalEntry entry{e.at("id").get<std::string>(), (base / e.at("rgb").get<std::string>()).string(),
                      (base / e.at("depth").get<std::string>()).string(), e.value("scale", 0.0),
                      e.value("decode", std::string()) == "npy_m"};
      if (!entry.npy_metres && !(entry.scale > 0))
        throw std::runtime_error("entry " + entry.id + " has no depth scale");
      entries.push_back(std::move(entry));
    }
  } catch (const std::exception& e) {
    throw std::runtime_error(path + ": not a valid evaluation manifest (" + e.what() + ")");
  }
  return entries;
}

namespace {
DepthMap load_npy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open the ground truth");
  const xt::xarray<float> a = xt::load_npy<float>(in);
  if (a.dimension() < 2) throw std::runtime_error(path + ": expected a 2-D depth array");
  const auto& shape = a.shape();
  const size_t h = shape[shape.size() - 2], w = shape[shape.size() - 1];
  if (h * w != a.size()) throw std::runtime_error(path + ": expected one depth map (extra axes of size 1 only)");
  return {int(w), int(h), std::vector<float>(a.begin(), a.end())};
}
}  // namespace

DepthMap load_ground_truth(const EvalEntry& entry) {
  if (entry.npy_metres) return load_npy(entry.depth_path);
  const Grey16 raw = decode_grey16(read_file(entry.depth_path), entry.depth_path);
  DepthMap gt{raw.width, raw.height, std::vector<float>(raw.values.size())};
  for (size_t i = 0; i < gt.values.size(); ++i) gt.values[i] = float(raw.values[i] * entry.scale);
  return gt;
}

EvalMetrics evaluate_depth(const DepthMap& model_output, OutputKind kind, const DepthMap& ground_truth) {
  const DepthMap pred = resize(model_output, ground_truth.width, ground_truth.height);
  // Least squares for s, t in s * x + t ≈ y (x: predicted inverse depth, y: 1 / gt).
  double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0, gt_min = INFINITY, gt_max = 0;
  std::vector<double> xs, gts;
  for (size_t i = 0; i < pred.values.size(); ++i) {
    const double g = ground_truth.values[i];
    if (!(g > 0)) continue;
    const double p = pred.values[i];
    const double x = kind == OutputKind::RelativeInverseDepth ? p : 1.0 / std::max(p, 1e-6);
    const double y = 1.0 / g;
    n += 1, sx += x, sy += y, sxx += x * x, sxy += x * y;
    gt_min = std::min(gt_min, g), gt_max = std::max(gt_max, g);
    xs.push_back(x), gts.push_back(g);
  }
  if (n < 2) throw std::runtime_error("the ground truth has fewer than 2 valid pixels");
  const double det = n * sxx - sx * sx;
  const double s = det != 0 ? (n * sxy - sx * sy) / det : 0, t = (sy - s * sx) / n;
  EvalMetrics m;
  m.valid_pixels = xs.size();
  for (size_t i = 0; i < xs.size(); ++i) {
    const double d = 1.0 / std::clamp(s * xs[i] + t, 1.0 / gt_max, 1.0 / gt_min), g = gts[i];
    m.abs_rel += std::abs(d - g) / g;
    m.delta1 += std::max(d / g, g / d) < 1.25 ? 1 : 0;
  }
  m.abs_rel /= n;
  m.delta1 /= n;
  return m;
}

}  // namespace dv::depth
