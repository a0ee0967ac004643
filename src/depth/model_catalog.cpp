#include "depth/model_catalog.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace dv::depth {
namespace fs = std::filesystem;

const ModelVariant* ModelInfo::find_variant(const std::string& wanted) const {
  for (const ModelVariant& v : variants)
    if (v.name == wanted) return &v;
  return nullptr;
}

std::string ModelInfo::variant_names() const {
  std::string names;
  for (const ModelVariant& v : variants) names += (names.empty() ? "" : ", ") + v.name;
  return names;
}

std::string ModelInfo::label() const { return variants.size() > 1 ? name + " (" + variant + ")" : name; }

void ModelInfo::apply(const ModelOverrides& o) {
  if (o.short_side > 0) short_side = o.short_side;
  for (int c = 0; c < 3; ++c) {
    if (o.mean) normalization.mean[c] = (*o.mean)[size_t(c)];
    if (o.std) normalization.std[c] = (*o.std)[size_t(c)];
  }
  if (o.output) output = *o.output;
}

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

// The manifest's "local_names" are other names of the fp32 file (a local export, a test model
// without a download), so they belong to the fp32 variant, made for them when there is none.
std::string string_or_empty(const nlohmann::ordered_json& j, const char* key) {
  return j.contains(key) && j.at(key).is_string() ? j.at(key).get<std::string>() : "";
}

std::vector<ModelVariant> parse_variants(const nlohmann::ordered_json& j, bool has_download_base) {
  std::vector<ModelVariant> variants;
  for (const auto& [name, v] : j.at("variants").items()) {
    ModelVariant variant{name, {v.at("file").get<std::string>()}, 0, false, "", "", ""};
    if (v.contains("size") && v.at("size").is_number()) variant.size = v.at("size").get<uint64_t>();
    variant.url = string_or_empty(v, "url");
    variant.sha256 = string_or_empty(v, "sha256");
    std::transform(variant.sha256.begin(), variant.sha256.end(), variant.sha256.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    variant.downloadable = !variant.url.empty() || has_download_base;
    variants.push_back(variant);
  }
  const auto local_names = j.value("local_names", std::vector<std::string>{});
  if (local_names.empty()) return variants;
  auto fp32 = std::find_if(variants.begin(), variants.end(), [](const ModelVariant& v) { return v.name == "fp32"; });
  if (fp32 == variants.end()) fp32 = variants.insert(variants.begin(), ModelVariant{"fp32", {}, 0, false, "", "", ""});
  for (const std::string& f : local_names)
    if (std::find(fp32->files.begin(), fp32->files.end(), f) == fp32->files.end()) fp32->files.push_back(f);
  return variants;
}

ModelInfo parse_model(const nlohmann::ordered_json& j, const std::string& platform, bool has_download_base) {
  ModelInfo m;
  m.id = j.at("id");
  m.name = j.at("name");
  m.license = j.value("license", "");
  m.variants = parse_variants(j, has_download_base);
  m.default_variant = j.contains("default_variant") ? j.at("default_variant").value(platform, "fp32") : "fp32";
  if (!m.find_variant(m.default_variant))
    throw std::runtime_error("model '" + m.id + "': its default variant '" + m.default_variant + "' (" + platform +
                             ") is not one of its variants");
  const auto& in = j.at("input");
  m.keep_aspect = in.at("policy") == "keep_aspect";
  m.short_side = in.value("short_side", 0);
  m.multiple = in.value("multiple", 1);
  m.fixed_height = in.value("height", 0);
  m.fixed_width = in.value("width", 0);
  if (j.contains("low_memory")) {
    const auto& low = j.at("low_memory");
    m.low_memory_variants = low.value("variants", std::vector<std::string>{});
    m.low_memory_short_sides = low.value("short_sides", std::vector<int>{});
    for (const std::string& v : m.low_memory_variants)
      if (!m.find_variant(v))
        throw std::runtime_error("model '" + m.id + "': its low_memory variant '" + v + "' is not one of its variants");
  }
  const auto& norm = j.at("normalization");
  for (int c = 0; c < 3; ++c) {
    m.normalization.mean[c] = norm.at("mean").at(size_t(c));
    m.normalization.std[c] = norm.at("std").at(size_t(c));
  }
  m.output = output_kind(j.at("output"));
  return m;
}

std::string find_file(const std::vector<std::string>& names, const std::vector<std::string>& dirs) {
  for (const std::string& dir : dirs)
    for (const std::string& f : names)
      if (fs::is_regular_file(fs::path(dir) / f)) return (fs::path(dir) / f).lexically_normal().string();
  return "";
}

// A file the manifest does not list: settled from the graph when loaded (DepthEstimator).
ModelInfo file_model(const std::string& path, const ModelOverrides& overrides) {
  ModelInfo m;
  m.id = m.path = path;
  m.name = fs::path(path).filename().string();
  m.in_manifest = false;
  m.preprocessor = find_preprocessor_config(path);
  m.overrides = overrides;
  return m;
}

}  // namespace

const char* ModelCatalog::platform() {
#ifdef __EMSCRIPTEN__
  return "web";
#else
  return "native";
#endif
}

ModelCatalog::ModelCatalog(const std::string& manifest_path, const std::vector<std::string>& search_dirs,
                           const std::string& platform) {
  std::ifstream in(manifest_path);
  if (!in) throw std::runtime_error("cannot open the model manifest '" + manifest_path + "'");
  try {
    const auto j = nlohmann::ordered_json::parse(in);
    download_base_ = string_or_empty(j, "download_base");
    for (const auto& m : j.at("models")) models_.push_back(parse_model(m, platform, !download_base_.empty()));
    preference_ = j.at("preference").get<std::vector<std::string>>();
  } catch (const nlohmann::ordered_json::exception& e) {
    throw std::runtime_error("the model manifest '" + manifest_path + "' is malformed: " + e.what());
  } catch (const std::runtime_error& e) {
    throw std::runtime_error("the model manifest '" + manifest_path + "' is inconsistent: " + e.what());
  }
  for (ModelInfo& m : models_) {
    for (ModelVariant& v : m.variants) v.path = find_file(v.files, search_dirs);
    try {
      const ModelInfo chosen = pick(m, "");
      m.variant = chosen.variant;
      m.path = chosen.path;
    } catch (const std::runtime_error&) {
      // not installed: path stays ""
    }
  }
}

// The variant asked for; without one, the default variant if it is installed, else the first
// installed one (a person who fetched only fp16 gets fp16).
ModelInfo ModelCatalog::pick(const ModelInfo& model, const std::string& variant) const {
  ModelInfo m = model;
  const std::string wanted = variant.empty() ? m.default_variant : variant;
  const ModelVariant* v = m.find_variant(wanted);
  if (v == nullptr)
    throw std::runtime_error("model '" + m.id + "' has no variant '" + wanted +
                             "'; its variants: " + m.variant_names());
  if (v->path.empty() && variant.empty()) {
    const auto installed =
        std::find_if(m.variants.begin(), m.variants.end(), [](const ModelVariant& x) { return !x.path.empty(); });
    if (installed != m.variants.end()) v = &*installed;
  }
  if (v->path.empty()) {
    const std::string how = v->downloadable ? "run depthview models --fetch " + m.id + " --variant " + v->name
                                            : "put " + v->files.front() + " into models/";
    if (variant.empty()) throw std::runtime_error("model '" + m.id + "' is not installed: " + how);
    throw std::runtime_error("variant '" + v->name + "' of model '" + m.id + "' (" + v->files.front() +
                             ") is not installed: " + how);
  }
  m.variant = v->name;
  m.path = v->path;
  return m;
}

const ModelInfo* ModelCatalog::find(const std::string& id) const {
  for (const ModelInfo& m : models_)
    if (m.id == id) return &m;
  return nullptr;
}

ModelInfo ModelCatalog::resolve(const std::string& id_or_path, const std::string& variant,
                                const ModelOverrides& overrides) const {
  auto with_overrides = [&](ModelInfo m) {
    m.apply(overrides);
    return m;
  };
  if (id_or_path.empty()) {
    for (const std::string& id : preference_)
      for (const ModelInfo& m : models_)
        if (m.id == id && !m.path.empty()) return with_overrides(pick(m, variant));
    throw std::runtime_error(
        "no depth model is installed: run depthview models --fetch (online) or put a model file into models/");
  }
  if (const ModelInfo* m = find(id_or_path)) return with_overrides(pick(*m, variant));
  if (!fs::is_regular_file(id_or_path))
    throw std::runtime_error("no model named '" + id_or_path + "' and no such file");
  if (!variant.empty())
    throw std::runtime_error("a variant picks a file of a model id, and '" + id_or_path + "' is a file already");
  const std::string file = fs::path(id_or_path).filename().string();
  for (ModelInfo m : models_)
    for (const ModelVariant& v : m.variants)
      if (std::find(v.files.begin(), v.files.end(), file) != v.files.end()) {
        m.variant = v.name;
        m.path = id_or_path;
        return with_overrides(m);
      }
  return file_model(id_or_path, overrides);
}

}  // namespace dv::depth
