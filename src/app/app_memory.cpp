// The model setup for this device's memory (app/model_setup.h): which variant and input size run,
// and the step down to a leaner one, with a notice, when an allocation fails.
#include <cstdio>

#include <nlohmann/json.hpp>

#include "app/app.h"
#include "app/platform.h"

namespace dv::app {

void App::set_device(double memory_gb, bool touch_screen) {
  memory_gb_ = memory_gb;
  touch_screen_ = touch_screen;  // update_ui_scale restyles for it on the next frame
}

std::string App::preferred_variant(const std::string& id) const {
  const depth::ModelInfo* model = catalog_ ? catalog_->find(id) : nullptr;
  return model ? device_setup(*model).variant : "";
}

ModelSetup App::device_setup(const depth::ModelInfo& model) const {
  if (memory_setup_ && memory_setup_->first == model.id) return memory_setup_->second;
  return setup_for_memory(model, memory_gb_);
}

bool App::variant_available(const depth::ModelInfo& model, const std::string& variant) const {
  const depth::ModelVariant* v = model.find_variant(variant.empty() ? model.default_variant : variant);
  // The page can fetch a variant with a download; natively only installed files count here.
  return v && (!v->path.empty() || (!exports_to_folder() && v->downloadable));
}

// The user's model and variant; where the user left the variant to the app, the one that suits
// this device when it is installed. After a step down, its setup wins over the user's choice.
depth::ModelInfo App::resolve_model(int* input_size) const {
  depth::ModelInfo model = catalog_->resolve(settings_.model, settings_.variant);
  const bool stepped_down = memory_setup_ && memory_setup_->first == model.id;
  const ModelSetup setup = device_setup(model);
  if ((settings_.variant.empty() || stepped_down) && !setup.variant.empty() && setup.variant != model.variant) {
    const depth::ModelVariant* v = model.find_variant(setup.variant);
    if (v && !v->path.empty()) model = catalog_->resolve(settings_.model, setup.variant);
  }
  *input_size = stepped_down || settings_.input_size <= 0 ? setup.input_size : settings_.input_size;
  return model;
}

void App::step_down_after_out_of_memory(const std::string& message) {
  if (!catalog_ || !last_model_ || !last_model_->in_manifest) return report_error(message);
  const depth::ModelInfo& model = *last_model_;
  const ModelSetup current{model.variant, last_input_size_};
  const auto available = [&](const std::string& v) { return variant_available(model, v); };
  const std::optional<ModelSetup> next = smaller_setup(model, current, available);
  if (!next) return report_error(message + "; nothing leaner is left to try on this device");
  memory_setup_ = {model.id, *next};
  memory_note_ = "Not enough memory for " + model.name + " " + describe(model, current) + ": now " +
                 describe(model, *next);
  status_ = memory_note_;
  std::printf("depthview: %s (%s)\n", memory_note_.c_str(), message.c_str());
  std::fflush(stdout);
  const depth::ModelVariant* v = model.find_variant(next->variant);
  if (v && v->path.empty() && request_model_download(model.id, next->variant)) return;  // the page calls set_model
  if (!photo_bytes_.empty()) start_estimate();
  else preload_model();
}

nlohmann::json App::setup_json() const {
  return {{"memory_gb", memory_gb_},
          {"variant", last_model_ ? last_model_->variant : ""},
          {"input_size", last_model_ && last_input_size_ <= 0 ? last_model_->short_side : last_input_size_},
          {"stepped_down", memory_setup_.has_value()},
          {"note", memory_note_}};
}

}  // namespace dv::app
