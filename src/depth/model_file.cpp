#include "depth/model_file.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <stdexcept>
#include <vector>

#include <nlohmann/json.hpp>

#include "depth/model_catalog.h"
#include "depthview/engine.h"

namespace dv::depth {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The short side a keep-aspect model gets when nothing says otherwise: Depth Anything's.
constexpr int kAssumedShortSide = 518;
constexpr int kMaxSide = 8192;  // of a model input (and of sizes in preprocessor_config.json)

// A number that may be absent or null (Hugging Face writes "size_divisor": null).
double number_or(const json& j, const char* key, double fallback) {
  return j.contains(key) && !j.at(key).is_null() ? j.at(key).get<double>() : fallback;
}

int side(double v, const char* what) {
  if (!(v >= 1 && v <= kMaxSide))
    throw std::runtime_error(std::string(what) + " " + std::to_string(v) + " is out of range");
  return int(v);
}

// image_mean / image_std: three values, or one for every channel.
std::array<double, 3> per_channel(const json& v, const char* what) {
  if (v.is_number()) return {v.get<double>(), v.get<double>(), v.get<double>()};
  if (v.size() == 1) return per_channel(v.at(0), what);
  if (v.size() != 3) throw std::runtime_error(std::string(what) + " needs 1 or 3 values");
  return {v.at(0).get<double>(), v.at(1).get<double>(), v.at(2).get<double>()};
}

// The processor computes (pixel * rescale_factor - mean) / std on 0..255 pixels; depthview's
// tensor is (pixel / 255 - mean') / std', so both scale by 255 * rescale_factor.
std::optional<Normalization> config_normalization(const json& j) {
  const double unit = 255.0 * (j.value("do_rescale", true) ? number_or(j, "rescale_factor", 1.0 / 255.0) : 1.0);
  if (!(unit > 0)) throw std::runtime_error("rescale_factor must be positive");
  Normalization n;
  if (!j.value("do_normalize", true)) {
    for (float& s : n.std) s = float(1.0 / unit);
    return n;
  }
  if (!j.contains("image_mean") || !j.contains("image_std")) return std::nullopt;
  const auto mean = per_channel(j.at("image_mean"), "image_mean"), std = per_channel(j.at("image_std"), "image_std");
  for (size_t c = 0; c < 3; ++c) {
    if (!(std[c] > 0)) throw std::runtime_error("image_std must be positive");
    n.mean[c] = float(mean[c] / unit);
    n.std[c] = float(std[c] / unit);
  }
  return n;
}

// "size": {"shortest_edge": N}, a plain N (older processors), or {"height", "width"}, which
// keep_aspect_ratio (DPT, Depth Anything) turns into the short side.
void config_size(const json& j, PreprocessorConfig& c) {
  if (!j.value("do_resize", true) || !j.contains("size") || j.at("size").is_null()) return;
  const json& s = j.at("size");
  if (s.is_number()) {
    c.short_side = side(s.get<double>(), "size");
  } else if (s.contains("shortest_edge")) {
    c.short_side = side(s.at("shortest_edge").get<double>(), "size.shortest_edge");
  } else if (s.contains("height") && s.contains("width")) {
    const int h = side(s.at("height").get<double>(), "size.height"),
              w = side(s.at("width").get<double>(), "size.width");
    c.keep_aspect = j.value("keep_aspect_ratio", false);
    if (c.keep_aspect) c.short_side = std::min(h, w);
    else c.height = h, c.width = w;
  }
}

std::string shape_text(const dv_shape& s) {
  std::string text;
  for (size_t i = 0; i < s.rank; ++i) {
    if (i > 0) text += 'x';
    text += s.dims[i] < 0 ? std::string("?") : std::to_string(s.dims[i]);
  }
  return text.empty() ? "a scalar" : text;
}

int round_to_multiple(int v, int multiple) { return std::max(multiple, (v + multiple / 2) / multiple * multiple); }

// Where each setting came from, for the assumptions line.
struct Sources {
  std::string config;  // how the line names preprocessor_config.json
  bool has_config_normalization = false;
  const ModelOverrides& o;

  std::string from(bool flag, const char* flag_name) const {
    if (flag) return std::string("from ") + flag_name;
    return has_config_normalization ? "from " + config : "assumed ImageNet";
  }
  std::string normalization() const {
    const std::string mean = from(bool(o.mean), "--mean"), std = from(bool(o.std), "--std");
    if (o.mean && o.std) return "mean/std from --mean/--std";
    if (mean == std) return "mean/std " + mean + (has_config_normalization ? "" : " (--mean/--std to change)");
    return "mean " + mean + ", std " + std;
  }
};

std::string input_policy(ModelInfo& m, const GraphInput& in, const std::string& config_name) {
  const PreprocessorConfig* config = m.preprocessor ? &*m.preprocessor : nullptr;
  const ModelOverrides& o = m.overrides;
  if (in.height > 0 && in.width > 0) {
    m.keep_aspect = false;
    m.fixed_height = int(in.height);
    m.fixed_width = int(in.width);
    return "input " + std::to_string(in.height) + "x" + std::to_string(in.width) + " fixed from the file" +
           (o.short_side > 0 ? " (--size does not apply)" : "");
  }
  const int64_t lcm = std::lcm(in.multiple, int64_t(config ? config->multiple : 1));
  if (lcm > kMaxSide)
    throw std::runtime_error(m.name + ": its sides must be multiples of " + std::to_string(lcm) +
                             ", more than the largest input depthview makes (" + std::to_string(kMaxSide) + ")");
  const int multiple = int(lcm);
  m.multiple = multiple;
  if (config && !config->keep_aspect && config->height > 0 && o.short_side == 0) {
    m.keep_aspect = false;
    m.fixed_height = round_to_multiple(config->height, multiple);
    m.fixed_width = round_to_multiple(config->width, multiple);
    return "input " + std::to_string(m.fixed_height) + "x" + std::to_string(m.fixed_width) + " from " + config_name;
  }
  m.keep_aspect = true;
  std::string text = "input keep-aspect, short side ";
  if (o.short_side > 0) {
    m.short_side = o.short_side;
    text += std::to_string(m.short_side) + " from --size";
  } else if (config && config->short_side > 0) {
    m.short_side = config->short_side;
    text += std::to_string(m.short_side) + " from " + config_name;
  } else {
    m.short_side = kAssumedShortSide;
    text += std::to_string(m.short_side) + " assumed (--size to change)";
  }
  if (multiple == 1) return text + ", no patch size in the graph";
  const bool from_graph = in.multiple > 1, from_config = config && config->multiple > 1;
  return text + ", sides multiples of " + std::to_string(multiple) +
         (from_graph && from_config ? " (the graph's patch size and " + config_name + ")"
          : from_graph              ? " (the graph's patch size)"
                                    : " (from " + config_name + ")");
}

}  // namespace

PreprocessorConfig read_preprocessor_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open '" + path + "'");
  PreprocessorConfig c;
  c.path = path;
  try {
    const json j = json::parse(in);
    if (!j.is_object()) throw std::runtime_error("it is not a JSON object");
    c.normalization = config_normalization(j);
    config_size(j, c);
    const double multiple = std::max(number_or(j, "ensure_multiple_of", 1), number_or(j, "size_divisor", 1));
    if (!(multiple >= 1 && multiple <= 1024)) throw std::runtime_error("ensure_multiple_of is out of range");
    c.multiple = int(multiple);
  } catch (const std::exception& e) {
    throw std::runtime_error("'" + path + "' is malformed: " + e.what());
  }
  return c;
}

std::optional<PreprocessorConfig> find_preprocessor_config(const std::string& model_path) {
  const fs::path folder = fs::absolute(model_path).parent_path();
  for (const fs::path& dir : {folder, folder.parent_path()})
    if (fs::is_regular_file(dir / "preprocessor_config.json"))
      return read_preprocessor_config((dir / "preprocessor_config.json").string());
  return std::nullopt;
}

OutputKind parse_output_kind(const std::string& name) {
  if (name == "depth") return OutputKind::RelativeDepth;
  if (name == "inverse-depth") return OutputKind::RelativeInverseDepth;
  throw std::invalid_argument("the output kind is 'depth' or 'inverse-depth', not '" + name + "'");
}

GraphInput graph_input(const dv_model* model, const std::string& file_name) {
  if (dv_model_input_count(model) != 1)
    throw std::runtime_error(file_name + ": the model has " + std::to_string(dv_model_input_count(model)) +
                             " inputs; depthview runs models with one image input (1x3xHxW)");
  const dv_shape s = dv_model_input_shape(model, 0);
  if (s.rank != 4 || (s.dims[1] != 3 && s.dims[1] >= 0))
    throw std::runtime_error(file_name + ": its input is " + shape_text(s) +
                             "; depthview runs models whose input is an image, 1x3xHxW");
  return {s.dims[1], s.dims[2], s.dims[3], std::max<int64_t>(1, dv_model_input_multiple(model, 0))};
}

void settle_file_model(ModelInfo& m, const GraphInput& in) {
  const PreprocessorConfig* config = m.preprocessor ? &*m.preprocessor : nullptr;
  const std::string config_name =
      config ? fs::path(config->path).lexically_relative(fs::absolute(m.path).parent_path()).string() : "";
  const Sources sources{config_name, config && config->normalization.has_value(), m.overrides};
  std::vector<std::string> parts = {input_policy(m, in, config_name), sources.normalization()};
  m.normalization = config && config->normalization ? *config->normalization : Normalization::imagenet();
  m.output = OutputKind::RelativeInverseDepth;
  parts.push_back(m.overrides.output
                      ? std::string("output ") +
                            (*m.overrides.output == OutputKind::RelativeInverseDepth ? "inverse depth" : "depth") +
                            " from --output"
                      : "output assumed inverse depth (--output to change)");
  m.apply(m.overrides);
  m.assumptions = m.name + ": not in the manifest; ";
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) m.assumptions += ", ";
    m.assumptions += parts[i];
  }
}

}  // namespace dv::depth
