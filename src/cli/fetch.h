// depthview models --fetch [ID] [--variant V] [--hub URL] [--dir DIR]: one model file from the hub
// (or a mirror), with progress on stderr, resumed and verified (depth/model_download.h).
#pragma once

#include <string>

#include "depth/model_catalog.h"

namespace dv::cli {

struct FetchOptions {
  std::string id;       // "" = the manifest's first preference
  std::string variant;  // "" = the model's default variant
  std::string hub;      // "" = $DEPTHVIEW_MODEL_HUB, else the manifest's download_base or url
  std::string dir;      // "" = the user models folder
  long stall_timeout_s = 30;  // give up when the hub sends less than 1 kB/s for this long
};

// Returns the exit code: 0 installed (or there already), 1 the download failed, 2 nothing to fetch.
int fetch_model(const depth::ModelCatalog& catalog, const FetchOptions& options);

}  // namespace dv::cli
