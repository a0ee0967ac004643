// Model downloads over HTTP(S) with libcurl, resumed from NAME.part, hashed with libcrypto.
#include "depth/model_download.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <vector>

#include <curl/curl.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace dv::depth {
namespace fs = std::filesystem;

// ---------------------------------------------------------------- SHA-256
struct Sha256::Ctx {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  ~Ctx() { EVP_MD_CTX_free(md); }
};

Sha256::Sha256() : ctx_(std::make_unique<Ctx>()) {
  if (!ctx_->md) throw std::bad_alloc();
  reset();
}
Sha256::~Sha256() = default;

void Sha256::reset() {
  if (EVP_DigestInit_ex(ctx_->md, EVP_sha256(), nullptr) != 1) throw std::runtime_error("OpenSSL: no SHA-256");
}

void Sha256::update(const void* data, size_t size) {
  if (EVP_DigestUpdate(ctx_->md, data, size) != 1) throw std::runtime_error("OpenSSL: SHA-256 update failed");
}

std::string Sha256::hex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(ctx_->md, digest, &size) != 1) throw std::runtime_error("OpenSSL: SHA-256 failed");
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < size; ++i) out += {kHex[digest[i] >> 4], kHex[digest[i] & 15]};
  return out;
}

namespace {

// ---------------------------------------------------------------- the .part file
// NAME.part, opened for appending and locked, so a second download of the same file (the viewer
// and the CLI at once) is refused instead of writing into it too.
class PartFile {
 public:
  explicit PartFile(const std::string& path) : path_(path) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd_ < 0) throw DownloadError("cannot write " + path + ": " + std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd_);
      throw DownloadError("another download of " + fs::path(path).filename().string() + " is running");
    }
  }
  ~PartFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  PartFile(const PartFile&) = delete;
  PartFile& operator=(const PartFile&) = delete;

  uint64_t size() const {
    struct stat st {};
    return ::fstat(fd_, &st) == 0 ? uint64_t(st.st_size) : 0;
  }
  // Feeds what is in the file to `sha` (a resumed download hashes the whole file).
  void hash_into(Sha256& sha) const {
    std::vector<char> buf(1 << 20);
    for (off_t at = 0;;) {
      const ssize_t n = ::pread(fd_, buf.data(), buf.size(), at);
      if (n < 0) throw DownloadError("cannot read " + path_ + ": " + std::strerror(errno));
      if (n == 0) return;
      sha.update(buf.data(), size_t(n));
      at += n;
    }
  }
  void truncate() {
    if (::ftruncate(fd_, 0) != 0) throw DownloadError("cannot truncate " + path_ + ": " + std::strerror(errno));
  }
  // Appends (O_APPEND); false with errno set when the disk refuses.
  bool append(const char* data, size_t size) {
    while (size > 0) {
      const ssize_t n = ::write(fd_, data, size);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      data += n;
      size -= size_t(n);
    }
    return true;
  }
  void sync() {
    if (::fdatasync(fd_) != 0) throw DownloadError("cannot write " + path_ + ": " + std::strerror(errno));
  }
  const std::string& path() const { return path_; }
  void remove_if_empty() const {
    std::error_code ec;
    if (size() == 0) fs::remove(path_, ec);
  }

 private:
  std::string path_;
  int fd_ = -1;
};

// ---------------------------------------------------------------- one HTTP request
// What one GET (following redirects) saw and wrote.
struct Transfer {
  PartFile* part = nullptr;
  Sha256* sha = nullptr;
  const DownloadOptions* options = nullptr;
  std::chrono::steady_clock::time_point began;
  uint64_t offset = 0;          // bytes in the .part when the request began
  uint64_t received = 0;        // body bytes written by this request
  uint64_t* fetched_run = nullptr;  // body bytes of the whole run (rate)
  long status = 0;              // of the last response (redirects have their own)
  int64_t content_length = -1, range_start = -1, range_total = -1;
  bool wrong_range = false;     // a 206 that does not start where the .part ends
  std::string write_error;

  int64_t declared_total() const {
    if (status == 206 || status == 416) return range_total;
    return status == 200 ? content_length : -1;
  }
};

bool header_is(std::string_view line, std::string_view name) {
  if (line.size() <= name.size() || line[name.size()] != ':') return false;
  return std::equal(name.begin(), name.end(), line.begin(),
                    [](char a, char b) { return std::tolower((unsigned char)a) == std::tolower((unsigned char)b); });
}

std::string_view header_value(std::string_view line, std::string_view name) {
  std::string_view v = line.substr(name.size() + 1);
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == '\r' || v.back() == '\n' || v.back() == ' ')) v.remove_suffix(1);
  return v;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  const std::string_view line(data, size * count);
  if (line.substr(0, 5) == "HTTP/") {  // a new response (after a redirect): forget the last one's
    const size_t space = line.find(' ');
    const std::string code(space == std::string_view::npos ? "" : line.substr(space + 1, 3));
    t.status = std::strtol(code.c_str(), nullptr, 10);
    t.content_length = t.range_start = t.range_total = -1;
  } else if (header_is(line, "content-length")) {
    t.content_length = std::strtoll(std::string(header_value(line, "content-length")).c_str(), nullptr, 10);
  } else if (header_is(line, "content-range")) {
    if (!parse_content_range(header_value(line, "content-range"), &t.range_start, &t.range_total))
      t.range_start = t.range_total = -1;
  }
  return size * count;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  const size_t n = size * count;
  if (t.status != 200 && t.status != 206) return n;  // an error page: not part of the file
  if (t.status == 206 && t.received == 0 && t.range_start != int64_t(t.offset)) {
    t.wrong_range = true;
    return 0;  // stops the transfer; download() starts over
  }
  if (!t.part->append(data, n)) {
    t.write_error = std::strerror(errno);
    return 0;
  }
  t.sha->update(data, n);
  t.received += n;
  *t.fetched_run += n;
  return n;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto& t = *static_cast<Transfer*>(user);
  if (!t.options->progress) return 0;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t.began).count();
  const int64_t total = t.declared_total();
  DownloadProgress p{t.offset + t.received, total > 0 ? uint64_t(total) : 0,
                     seconds > 0 ? double(*t.fetched_run) / seconds : 0};
  return t.options->progress(p) ? 0 : 1;
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};

CURLcode perform(const std::string& url, Transfer& t, char* error_text) {
  static std::once_flag global;
  std::call_once(global, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) throw DownloadError("libcurl could not start");
  CURL* c = curl.get();
  error_text[0] = '\0';
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_text);
  // A GET with no body; no cookie engine, no Referer (CURLOPT_AUTOREFERER stays off); the hub's
  // redirect to its CDN is followed, to http(s) only.
  curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 8L);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "depthview");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM: the viewer downloads on a thread
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, t.options->connect_timeout_s);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1024L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, t.options->stall_timeout_s);
  if (t.offset > 0) curl_easy_setopt(c, CURLOPT_RESUME_FROM_LARGE, curl_off_t(t.offset));
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  const CURLcode code = curl_easy_perform(c);
  if (!error_text[0]) std::snprintf(error_text, CURL_ERROR_SIZE, "%s", curl_easy_strerror(code));
  return code;
}

std::string host_of(const std::string& url) {
  const size_t start = url.find("://");
  const size_t from = start == std::string::npos ? 0 : start + 3;
  return url.substr(from, url.find('/', from) - from);
}

// What to tell the user when a request failed on the way (the .part stays for a rerun).
[[noreturn]] void fail_transfer(const DownloadPlan& plan, const PartFile& part, const std::string& why,
                                bool network) {
  const uint64_t kept = part.size();
  part.remove_if_empty();
  const std::string file = fs::path(plan.dest).filename().string();
  const std::string next =
      kept      ? "; " + megabytes(kept) + " kept in " + part.path() + ": run the same download again to resume"
      : network ? "; nothing was installed (offline? or name another hub with --hub URL)"
                : "; nothing was installed";
  throw DownloadError("downloading " + file + " from " + host_of(plan.url) + " failed: " + why + next);
}

}  // namespace

namespace {

// GETs the rest of the file into `part` (all of it when the server ignores the range or the .part
// does not fit it) and returns the length the server declared (-1: none). Throws DownloadError.
int64_t fetch_into(const DownloadPlan& plan, PartFile& part, Sha256& sha, const DownloadOptions& options,
                   std::chrono::steady_clock::time_point began, DownloadReport& report) {
  char error_text[CURL_ERROR_SIZE];
  for (int attempt = 0;; ++attempt) {
    Transfer t;
    t.part = &part;
    t.sha = &sha;
    t.options = &options;
    t.began = began;
    t.offset = part.size();
    t.fetched_run = &report.fetched;
    const CURLcode code = perform(plan.url, t, error_text);
    // The server ignored the range (libcurl refuses a 200 to it), or the .part does not fit the file.
    const bool misfit =
        code == CURLE_RANGE_ERROR || t.wrong_range || (t.status == 416 && t.range_total != int64_t(t.offset));
    if (t.offset > 0 && attempt == 0 && misfit) {
      report.refetched = t.offset;
      report.kept = 0;
      part.truncate();
      sha.reset();
      continue;
    }
    if (code == CURLE_ABORTED_BY_CALLBACK) {
      const uint64_t kept = part.size();
      part.remove_if_empty();
      throw DownloadCancelled("download of " + fs::path(plan.dest).filename().string() + " cancelled" +
                              (kept ? "; " + megabytes(kept) + " kept in " + part.path() + " for the next try" : ""));
    }
    if (!t.write_error.empty()) fail_transfer(plan, part, "cannot write " + part.path() + ": " + t.write_error, false);
    if (code != CURLE_OK) fail_transfer(plan, part, error_text, true);
    if (t.status == 416) return t.range_total;  // the .part holds the whole file already
    if (t.status != 200 && t.status != 206)
      fail_transfer(plan, part, "the server answered HTTP " + std::to_string(t.status) + " for " + plan.url, false);
    return t.declared_total();
  }
}

}  // namespace

DownloadReport download_model(const DownloadPlan& plan, const DownloadOptions& options) {
  const auto began = std::chrono::steady_clock::now();
  std::error_code ec;
  fs::create_directories(fs::path(plan.dest).parent_path(), ec);
  if (ec) throw DownloadError("cannot create " + fs::path(plan.dest).parent_path().string() + ": " + ec.message());
  PartFile part(partial_path(plan.dest));
  Sha256 sha;
  part.hash_into(sha);  // a resumed download is hashed whole
  DownloadReport report;
  report.kept = part.size();
  const int64_t declared = fetch_into(plan, part, sha, options, began, report);
  report.refetched = std::min(report.refetched, report.fetched);
  part.sync();
  report.size = part.size();
  report.sha256 = sha.hex();
  const std::string wrong = check_download(plan.variant, report.size, declared, report.sha256);
  if (!wrong.empty()) {
    fs::remove(part.path(), ec);
    throw DownloadError("the download of " + fs::path(plan.dest).filename().string() + " from " + host_of(plan.url) +
                        " is not the published file: " + wrong + "; it was deleted, nothing was installed");
  }
  fs::rename(part.path(), plan.dest, ec);
  if (ec) throw DownloadError("cannot install " + plan.dest + ": " + ec.message());
  report.path = plan.dest;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  return report;
}

}  // namespace dv::depth
