#pragma once
// RAII for libcurl handles and the pieces of a transfer shared by HttpClient's request(),
// download() and probe_size(): the handle pool, common options, response header capture and
// CURLcode -> Error mapping. Internal to api/http/.
//
// Thread contract: a curl easy handle is used by one thread at a time (libcurl-thread.3):
// the pool hands each handle to one caller and takes it back afterwards. The share handle is
// used by all of them, serialised by its lock callbacks (one mutex per curl_lock_data).

#include <curl/curl.h>

#include <array>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "api/http/http_client.hpp"

namespace flickrfs::api::http {

struct EasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct ShareDeleter {
  void operator()(CURLSH* handle) const { curl_share_cleanup(handle); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;
using ShareHandle = std::unique_ptr<CURLSH, ShareDeleter>;
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

// Calls curl_global_init once per process (thread-safe through std::call_once).
void ensure_curl_global_init();

// Idle easy handles (keeping their connections) and the share handle.
class HandlePool {
 public:
  // Idle connections the share keeps open, over every host: more than the requests in flight
  // at once (16 image transfers and 8 API calls, api/call_gate.hpp).
  static constexpr long kCachedConnections = 64;

  explicit HandlePool(std::size_t max_idle);
  ~HandlePool();
  HandlePool(const HandlePool&) = delete;
  HandlePool& operator=(const HandlePool&) = delete;

  [[nodiscard]] EasyHandle acquire();  // reset to defaults, attached to the share handle
  void release(EasyHandle handle);

 private:
  static void lock(CURL*, curl_lock_data data, curl_lock_access, void* self);
  static void unlock(CURL*, curl_lock_data data, void* self);

  std::size_t m_max_idle;
  std::mutex m_mutex;  // guards m_idle
  std::vector<EasyHandle> m_idle;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> m_share_locks;
  ShareHandle m_share;
};

// A handle borrowed from the pool for one transfer, returned on destruction.
class Lease {
 public:
  explicit Lease(HandlePool& pool) : m_pool(pool), m_handle(pool.acquire()) {}
  ~Lease() {
    if (m_handle) m_pool.release(std::move(m_handle));
  }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  [[nodiscard]] CURL* get() const { return m_handle.get(); }

 private:
  HandlePool& m_pool;
  EasyHandle m_handle;
};

struct HttpClient::Pool {
  explicit Pool(std::size_t max_idle) : handles(max_idle) {}
  HandlePool handles;
};

// Status line and headers of the last response of a transfer (redirects and 1xx reset it).
struct HeaderCapture {
  long status = 0;
  Headers headers;
  [[nodiscard]] std::string_view find(std::string_view name) const;
  static size_t callback(char* data, size_t size, size_t count, void* self);
};

// Options every transfer gets: URL, timeouts, low-speed limit, TLS verification, CA file,
// HTTP/2, protocols http/https only, redirects (at most 5), share handle, error buffer.
void apply_common_options(CURL* handle, const HttpOptions& options, const std::string& url,
                          char* error_buffer, HeaderCapture& headers);

// A failed curl_easy_perform as an Error. The URL in messages is cut at '?' (no parameters).
[[nodiscard]] Error curl_error(CURLcode code, const char* error_buffer, std::string_view url);

// "bytes START-END/TOTAL": START and TOTAL (TOTAL nullopt for '*'). False when malformed.
[[nodiscard]] bool parse_content_range(std::string_view value, std::uint64_t& start,
                                       std::optional<std::uint64_t>& total);

// ASCII case-insensitive equality (header names).
[[nodiscard]] bool iequals(std::string_view a, std::string_view b);

[[nodiscard]] std::string url_without_query(std::string_view url);

}  // namespace flickrfs::api::http
