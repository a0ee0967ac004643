// Natively: the viewer downloads the chosen model when it is not installed ("Download Depth
// Anything V2 Small (49.6 MB)"), on a worker thread, with a progress bar and Cancel; then uses it.
#include <algorithm>
#include <cstdio>

#include <imgui.h>

#include "app/app.h"
#include "app/widgets.h"
#include "app/model_fetch.h"

namespace dv::app {

std::optional<depth::DownloadPlan> App::download_offer() const {
  if (!catalog_) return std::nullopt;
  // "best installed" with nothing installed: the manifest's first preference.
  const auto& models = catalog_->models();
  std::string id = settings_.model;
  if (id.empty() && !catalog_->preference().empty() &&
      std::none_of(models.begin(), models.end(), [](const depth::ModelInfo& m) { return !m.path.empty(); }))
    id = catalog_->preference().front();
  const depth::ModelInfo* m = catalog_->find(id);
  if (m == nullptr) return std::nullopt;
  const depth::ModelVariant* v = m->find_variant(settings_.variant.empty() ? m->default_variant : settings_.variant);
  // Without a variant asked for, any installed one is used (ModelCatalog::resolve): no offer then.
  if (v == nullptr || !v->path.empty() || (settings_.variant.empty() && !m->path.empty())) return std::nullopt;
  try {
    return depth::plan_download(*catalog_, m->id, v->name, depth::hub_override(paths_.hub), paths_.download_dir);
  } catch (const depth::DownloadError&) {
    return std::nullopt;  // no download: the catalog's message says what to do
  }
}

bool App::downloading() const { return fetch_ && fetch_->active(); }

bool App::start_download() {
  const auto plan = download_offer();
  if (!plan || downloading()) return false;
  if (!fetch_) fetch_ = std::make_unique<ModelFetch>();
  error_.clear();
  status_ = "downloading from " + plan->url;  // the panel names the model above its progress bar
  std::printf("depthview: downloading %s from %s\n", plan->variant_label.c_str(), plan->url.c_str());
  std::fflush(stdout);
  return fetch_->start(*plan);
}

void App::poll_download() {
  if (!fetch_) return;
  auto outcome = fetch_->take_outcome();
  if (!outcome) return;
  if (!outcome->ok) {
    if (outcome->cancelled) status_ = outcome->message;
    else report_error(outcome->message), status_.clear();
    return;
  }
  const auto& r = outcome->report;
  char line[512];
  std::snprintf(line, sizeof line, "downloaded %s: %s in %.1f s (%.1f MB/s) to %s", outcome->plan.variant_label.c_str(),
                depth::megabytes(r.size).c_str(), r.seconds, r.seconds > 0 ? double(r.fetched) / r.seconds / 1e6 : 0.0,
                r.path.c_str());
  status_ = line;
  std::printf("depthview: %s\n", line);
  std::fflush(stdout);
  reload_models();  // the catalog finds the new file (preloads it when no photo waits)
  if (!photo_bytes_.empty()) start_estimate();
}

void App::draw_download() {
  if (fetch_ && fetch_->running()) {
    const depth::DownloadProgress p = fetch_->progress();
    char text[128];
    std::snprintf(text, sizeof text, "%.1f / %.1f MB, %.1f MB/s", double(p.bytes) / 1e6, double(p.total) / 1e6,
                  p.bytes_per_s / 1e6);
    ImGui::TextUnformatted(("Downloading " + fetch_->label()).c_str());
    ImGui::ProgressBar(p.total ? float(double(p.bytes) / double(p.total)) : 0.0f,
                       ImVec2(widgets::width_leaving("Cancel##download"), 0), text);
    ImGui::SameLine();
    if (ImGui::Button("Cancel##download")) fetch_->cancel();
    return;
  }
  const auto offer = download_offer();
  if (offer && ImGui::Button(("Download " + offer->variant_label).c_str())) start_download();
}

}  // namespace dv::app
