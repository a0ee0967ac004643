// The parts of model downloads that need no network: where models live natively, which URL a
// variant comes from, the size rule, the .part name, Content-Range.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "depth/model_download.h"

namespace dv::depth {
namespace fs = std::filesystem;

namespace {
std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string join_url(std::string base, const std::string& file) {
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/" + file;
}
}  // namespace

std::string user_models_dir() {
  const std::string xdg = env("XDG_DATA_HOME"), home = env("HOME");
  const fs::path base = !xdg.empty() ? fs::path(xdg) : fs::path(home.empty() ? "." : home) / ".local" / "share";
  return (base / "depthview" / "models").string();
}

std::string native_manifest_path(const std::string& explicit_path) {
  if (!explicit_path.empty()) return explicit_path;
  const std::string from_env = env("DEPTHVIEW_MODELS_JSON");
  return !from_env.empty() ? from_env : DV_MODELS_DIR "/models.json";
}

std::vector<std::string> native_model_dirs(const std::string& manifest_path, const std::string& extra) {
  std::vector<std::string> dirs;
  for (const std::string& d : {extra, fs::path(manifest_path).parent_path().string(), std::string(DV_MODELS_DIR),
                               user_models_dir(), std::string(DV_SHARED_MODELS_DIR)}) {
    if (d.empty()) continue;
    const std::string normal = fs::path(d).lexically_normal().string();
    if (std::find(dirs.begin(), dirs.end(), normal) == dirs.end()) dirs.push_back(normal);
  }
  return dirs;
}

std::string hub_override(const std::string& explicit_hub) {
  return !explicit_hub.empty() ? explicit_hub : env("DEPTHVIEW_MODEL_HUB");
}

std::string download_url(const ModelVariant& v, const std::string& download_base, const std::string& hub) {
  if (!hub.empty()) return join_url(hub, v.files.front());
  if (!download_base.empty()) return join_url(download_base, v.files.front());
  return v.url;
}

std::string partial_path(const std::string& dest) { return dest + ".part"; }

std::string megabytes(uint64_t bytes) {
  char text[32];
  if (bytes >= 1000000) std::snprintf(text, sizeof text, "%.1f MB", double(bytes) / 1e6);
  else std::snprintf(text, sizeof text, "%.0f kB", double(bytes) / 1e3);
  return text;
}

std::string check_download(const ModelVariant& v, uint64_t bytes, int64_t declared, const std::string& sha256) {
  const std::string n = std::to_string(bytes) + " bytes";
  if (!v.sha256.empty()) {
    if (v.size && bytes != v.size) return "it is " + n + ", the manifest says exactly " + std::to_string(v.size);
    if (sha256 != v.sha256) return "its sha256 is " + sha256 + ", the manifest pins " + v.sha256;
    return "";
  }
  if (declared >= 0 && bytes != uint64_t(declared))
    return "it is " + n + ", the server declared " + std::to_string(declared);
  if (v.size && std::abs(double(bytes) - double(v.size)) > 0.02 * double(v.size))
    return "it is " + n + ", the manifest says about " + std::to_string(v.size) + " (within 2%)";
  return "";
}

bool parse_content_range(std::string_view value, int64_t* start, int64_t* total) {
  constexpr std::string_view unit = "bytes ";
  if (value.substr(0, unit.size()) != unit) return false;
  value.remove_prefix(unit.size());
  const size_t slash = value.find('/');
  if (slash == std::string_view::npos) return false;
  auto number = [](std::string_view s, int64_t* out) {
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
    return ec == std::errc() && end == s.data() + s.size() && *out >= 0;
  };
  const std::string_view range = value.substr(0, slash), size = value.substr(slash + 1);
  if (size == "*") *total = -1;
  else if (!number(size, total)) return false;
  if (range == "*") {
    *start = -1;
    return true;
  }
  const size_t dash = range.find('-');
  int64_t end = 0;
  return dash != std::string_view::npos && number(range.substr(0, dash), start) &&
         number(range.substr(dash + 1), &end) && end >= *start;
}

DownloadPlan plan_download(const ModelCatalog& catalog, const std::string& id, const std::string& variant,
                           const std::string& hub, const std::string& dir) {
  const std::string wanted_id = !id.empty() ? id : catalog.preference().empty() ? "" : catalog.preference().front();
  const ModelInfo* m = catalog.find(wanted_id);
  if (m == nullptr) {
    std::string known;
    for (const ModelInfo& x : catalog.models()) known += (known.empty() ? "" : ", ") + x.id;
    throw DownloadError("unknown model '" + wanted_id + "'; known: " + known);
  }
  const std::string wanted = variant.empty() ? m->default_variant : variant;
  const ModelVariant* v = m->find_variant(wanted);
  if (v == nullptr)
    throw DownloadError("model '" + m->id + "' has no variant '" + wanted + "'" +
                        (m->variants.empty() ? "" : "; its variants: " + m->variant_names()));
  DownloadPlan plan{m->id, m->name, "", *v, download_url(*v, catalog.download_base(), hub), ""};
  if (plan.url.empty())
    throw DownloadError("'" + m->id + "' (" + v->name + ") has no download: put " + v->files.front() +
                        " into models/ by hand, or name a hub with --hub URL");
  plan.dest = (fs::path(dir.empty() ? user_models_dir() : dir) / v->files.front()).string();
  // "Depth Anything V2 Small (49.6 MB)"; a variant other than the default is named.
  std::string details = v->name != m->default_variant && m->variants.size() > 1 ? v->name : "";
  if (v->size) details += (details.empty() ? "" : ", ") + megabytes(v->size);
  plan.variant_label = m->name + (details.empty() ? "" : " (" + details + ")");
  return plan;
}

}  // namespace dv::depth
