#include "depth/model_catalog.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace dv::depth {
namespace fs = std::filesystem;

void ModelInfo::input_size(int photo_width, int photo_height, int requested, int* width, int* height) const {
  if (!keep_aspect) {
    *width = fixed_width;
    *height = fixed_height;
    return;
  }
  const int target = requested > 0 ? requested : short_side;
  const double scale = double(target) / double(std::min(photo_width, photo_height));
  auto round_to = [&](double v) { return std::max(multiple, int(std::lround(v / multiple)) * multiple); };
  *width = round_to(photo_width * scale);
  *height = round_to(photo_height * scale);
}

namespace {

OutputKind output_kind(const std::string& s) {
  if (s == "metric_depth") return OutputKind::MetricDepth;
  if (s == "relative_depth") return OutputKind::RelativeDepth;
  return OutputKind::RelativeInverseDepth;
}

ModelInfo parse_model(const nlohmann::json& j) {
  ModelInfo m;
  m.id = j.at("id");
  m.name = j.at("name");
  m.license = j.value("license", "");
  for (const auto& f : j.value("local_names", std::vector<std::string>{})) m.files.push_back(f);
  for (const auto& [variant, v] : j.at("variants").items()) m.files.push_back(v.at("file"));
  const auto& in = j.at("input");
  m.keep_aspect = in.at("policy") == "keep_aspect";
  m.short_side = in.value("short_side", 0);
  m.multiple = in.value("multiple", 1);
  m.fixed_height = in.value("height", 0);
  m.fixed_width = in.value("width", 0);
  const auto& norm = j.at("normalization");
  for (int c = 0; c < 3; ++c) {
    m.normalization.mean[c] = norm.at("mean").at(size_t(c));
    m.normalization.std[c] = norm.at("std").at(size_t(c));
  }
  m.output = output_kind(j.at("output"));
  return m;
}

}  // namespace

ModelCatalog::ModelCatalog(const std::string& manifest_path, const std::vector<std::string>& search_dirs) {
  std::ifstream in(manifest_path);
  if (!in) throw std::runtime_error("cannot open the model manifest '" + manifest_path + "'");
  try {
    const auto j = nlohmann::json::parse(in);
    for (const auto& m : j.at("models")) models_.push_back(parse_model(m));
    preference_ = j.at("preference").get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error("the model manifest '" + manifest_path + "' is malformed: " + e.what());
  }
  for (ModelInfo& m : models_)
    for (const std::string& dir : search_dirs)
      for (const std::string& f : m.files)
        if (m.path.empty() && fs::is_regular_file(fs::path(dir) / f))
          m.path = (fs::path(dir) / f).lexically_normal().string();
}

ModelInfo ModelCatalog::resolve(const std::string& id_or_path) const {
  if (id_or_path.empty()) {
    for (const std::string& id : preference_)
      for (const ModelInfo& m : models_)
        if (m.id == id && !m.path.empty()) return m;
    throw std::runtime_error("no depth model is installed: run models/fetch (online) or put a model file into models/");
  }
  for (const ModelInfo& m : models_) {
    if (m.id != id_or_path) continue;
    if (m.path.empty()) throw std::runtime_error("model '" + m.id + "' is not installed: run models/fetch " + m.id);
    return m;
  }
  if (!fs::is_regular_file(id_or_path))
    throw std::runtime_error("no model named '" + id_or_path + "' and no such file");
  const std::string file = fs::path(id_or_path).filename().string();
  for (ModelInfo m : models_) {
    if (std::find(m.files.begin(), m.files.end(), file) == m.files.end()) continue;
    m.path = id_or_path;
    return m;
  }
  throw std::runtime_error("'" + file +
                           "' is not in models/models.json, so its input size, normalisation and output "
                           "kind are unknown: add an entry for it");
}

}  // namespace dv::depth
