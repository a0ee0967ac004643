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

namespace {
// The entry's depth decoding; true for "decode": "npy_m" (metres already).
bool decoding_of(const nlohmann::json& e, const std::string& id, SensorDecoding* decoding) {
  const bool npy = e.contains("decode"), scale = e.contains("scale"), preset = e.contains("decoding");
  if (int(npy) + int(scale) + int(preset) != 1)
    throw std::runtime_error("entry " + id + (npy || scale || preset ? " has more than one of" : " has no depth scale: give one of") +
                             " \"scale\", \"decoding\" and \"decode\"");
  if (npy) {
    if (e.at("decode").get<std::string>() != "npy_m")
      throw std::runtime_error("entry " + id + ": \"decode\" knows only \"npy_m\"");
    return true;
  }
  try {
    *decoding = scale ? sensor_scale(e.at("scale").get<double>()) : sensor_preset(e.at("decoding").get<std::string>());
  } catch (const std::invalid_argument& error) {
    throw std::runtime_error("entry " + id + ": " + error.what());
  }
  return false;
}
}  // namespace

std::vector<EvalEntry> read_eval_manifest(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open the evaluation manifest");
  const std::filesystem::path base = std::filesystem::path(path).parent_path();
  std::vector<EvalEntry> entries;
  try {
    for (const auto& e : nlohmann::json::parse(in)) {
      EvalEntry entry{e.at("id").get<std::string>(), (base / e.at("rgb").get<std::string>()).string(),
                      (base / e.at("depth").get<std::string>()).string(), {}, false};
      entry.npy_metres = decoding_of(e, entry.id, &entry.decoding);
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
  return load_sensor_depth(entry.depth_path, entry.decoding);
}

EvalMetrics evaluate_depth(const DepthMap& model_output, OutputKind kind, const DepthMap& ground_truth) {
  const DepthMap pred = resize(model_output, ground_truth.width, ground_truth.height);
  // Least squares for s, t in s * x + t ≈ y (x: predicted inverse depth, y: 1 / gt).
  std::vector<double> xs, ys;
  double gt_min = INFINITY, gt_max = 0;
  for (size_t i = 0; i < pred.values.size(); ++i) {
    const double g = ground_truth.values[i];
    if (!(g > 0)) continue;
    const double p = pred.values[i];
    xs.push_back(kind == OutputKind::RelativeInverseDepth ? p : 1.0 / std::max(p, 1e-6));
    ys.push_back(1.0 / g);
    gt_min = std::min(gt_min, g), gt_max = std::max(gt_max, g);
  }
  if (xs.size() < 2) throw std::runtime_error("the ground truth has fewer than 2 valid pixels");
  const LineFit fit = fit_line(xs, ys);
  DepthMap aligned{ground_truth.width, ground_truth.height, std::vector<float>(ground_truth.values.size(), 0.0f)};
  for (size_t i = 0, k = 0; i < pred.values.size(); ++i)
    if (ground_truth.values[i] > 0)
      aligned.values[i] = float(1.0 / std::clamp(fit.scale * xs[k++] + fit.shift, 1.0 / gt_max, 1.0 / gt_min));
  return depth_metrics(aligned, ground_truth);
}

}  // namespace dv::depth
