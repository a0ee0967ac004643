// Model downloads for the CLI and the desktop viewer (native only: the page downloads with fetch,
// web/). One variant of models/models.json is fetched over HTTP(S) with libcurl into NAME.part,
// resumed with a Range request when a .part is already there, checked by the manifest's size rule
// (sha256 with OpenSSL's libcrypto) and only then renamed to NAME. GET requests only: no body, no
// cookies, no referrer.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "depth/model_catalog.h"

namespace dv::depth {

// ---- Where models are, natively.
// Where downloads go: ${XDG_DATA_HOME:-~/.local/share}/depthview/models.
std::string user_models_dir();
// The manifest: `explicit_path` (--models-json), else $DEPTHVIEW_MODELS_JSON, else the source
// tree's models/models.json.
std::string native_manifest_path(const std::string& explicit_path = "");
// Where the catalog looks for model files, first match wins: `extra` (a --dir), the manifest's
// folder, the source tree's models/ (files put there by hand), the user models folder (downloads),
// ../shared/models (test models). Repeated folders are dropped.
std::vector<std::string> native_model_dirs(const std::string& manifest_path, const std::string& extra = "");
// The hub that replaces every download URL: `explicit_hub` (--hub), else $DEPTHVIEW_MODEL_HUB.
std::string hub_override(const std::string& explicit_hub = "");

// ---- The rules (models.json "download_comment").
// The URL of a variant: hub + '/' + file when a hub is given, else download_base + '/' + file when
// the manifest sets one, else the variant's url; "" = it has no download.
std::string download_url(const ModelVariant& v, const std::string& download_base, const std::string& hub);
// The file a download is written to until it is verified.
std::string partial_path(const std::string& dest);
// The size rule: with a pinned sha256, exactly `size` bytes and that digest; without, the length
// the server declared (`declared` < 0: none) and within 2% of the published (rounded) size.
// Returns "" when the file passes, else why not.
std::string check_download(const ModelVariant& v, uint64_t bytes, int64_t declared, const std::string& sha256);
// A Content-Range value, "bytes START-END/TOTAL" or "bytes */TOTAL" (start -1); TOTAL "*" gives -1.
bool parse_content_range(std::string_view value, int64_t* start, int64_t* total);

// SHA-256 through OpenSSL's EVP interface, fed piece by piece.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void reset();
  void update(const void* data, size_t size);
  std::string hex();  // the digest of what was fed (lowercase); the object must be reset after

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

// ---- Downloading.
// What to fetch, where to (see plan_download).
struct DownloadPlan {
  std::string model_id, model_name, variant_label;  // label: "Depth Anything V2 Small (fp16, 49.6 MB)"
  ModelVariant variant;
  std::string url, dest;
};
// The variant (`variant` "" = the model's default) of model `id` ("" = the first of the
// manifest's preference) into `dir` ("" = user_models_dir()). Throws with what is wrong: an
// unknown model or variant, a variant without a download.
DownloadPlan plan_download(const ModelCatalog& catalog, const std::string& id, const std::string& variant,
                           const std::string& hub, const std::string& dir);

struct DownloadProgress {
  uint64_t bytes = 0;        // of the file, including what an earlier .part had
  uint64_t total = 0;        // the file's size (0 = not known yet)
  double bytes_per_s = 0;    // what this run received, per second since it began
};

struct DownloadOptions {
  // Called as bytes arrive (often: throttle drawing); return false to cancel.
  std::function<bool(const DownloadProgress&)> progress;
  long connect_timeout_s = 15;
  // A hub that sends less than 1 kB/s for this long is given up on (a dead link, not a hang).
  long stall_timeout_s = 30;
};

struct DownloadReport {
  std::string path, sha256;
  uint64_t size = 0;
  uint64_t kept = 0;       // bytes of an earlier .part that a Range request continued
  uint64_t fetched = 0;    // bytes received in this run
  uint64_t refetched = 0;  // bytes an earlier .part had that were fetched again (a server that
                           // ignored the range, or a .part that did not fit the file)
  double seconds = 0;
};

// A failed download: one message that says what happened and what to do (the .part is kept when a
// rerun can resume it, removed when its bytes are wrong).
struct DownloadError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// The progress callback said stop (the .part is kept: the next download resumes it).
struct DownloadCancelled : DownloadError {
  using DownloadError::DownloadError;
};

// Downloads and verifies `plan`; the verified file is at plan.dest. Throws DownloadError.
DownloadReport download_model(const DownloadPlan& plan, const DownloadOptions& options = {});

// "49.6 MB", "812 kB": sizes in messages.
std::string megabytes(uint64_t bytes);

}  // namespace dv::depth
