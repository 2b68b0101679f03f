// See curl.hpp.
#include "api/http/curl.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <mutex>

namespace flickrfs::api::http {

void ensure_curl_global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

HandlePool::HandlePool(std::size_t max_idle) : m_max_idle(max_idle) {
  ensure_curl_global_init();
  m_share.reset(curl_share_init());
  curl_share_setopt(m_share.get(), CURLSHOPT_LOCKFUNC, &HandlePool::lock);
  curl_share_setopt(m_share.get(), CURLSHOPT_UNLOCKFUNC, &HandlePool::unlock);
  curl_share_setopt(m_share.get(), CURLSHOPT_USERDATA, this);
  curl_share_setopt(m_share.get(), CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_share_setopt(m_share.get(), CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  curl_share_setopt(m_share.get(), CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
}

HandlePool::~HandlePool() {
  // Easy handles first: the share handle may not be cleaned up while handles use it.
  m_idle.clear();
}

void HandlePool::lock(CURL*, curl_lock_data data, curl_lock_access, void* self) {
  static_cast<HandlePool*>(self)->m_share_locks[static_cast<std::size_t>(data)].lock();
}

void HandlePool::unlock(CURL*, curl_lock_data data, void* self) {
  static_cast<HandlePool*>(self)->m_share_locks[static_cast<std::size_t>(data)].unlock();
}

EasyHandle HandlePool::acquire() {
  EasyHandle handle;
  {
    const std::lock_guard lock(m_mutex);
    if (!m_idle.empty()) {
      handle = std::move(m_idle.back());
      m_idle.pop_back();
    }
  }
  if (handle) {
    curl_easy_reset(handle.get());  // keeps the connection cache and DNS entries
  } else {
    handle.reset(curl_easy_init());
  }
  curl_easy_setopt(handle.get(), CURLOPT_SHARE, m_share.get());
  // The shared connection cache keeps at most this many idle connections; libcurl's default
  // of 5 closed most of them when 16 probe threads finished together, and each next request
  // paid a new TCP (and TLS) handshake.
  curl_easy_setopt(handle.get(), CURLOPT_MAXCONNECTS, kCachedConnections);
  return handle;
}

void HandlePool::release(EasyHandle handle) {
  const std::lock_guard lock(m_mutex);
  if (m_idle.size() < m_max_idle) m_idle.push_back(std::move(handle));
}

bool iequals(std::string_view a, std::string_view b) {
  const auto lower = [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  };
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [&](char x, char y) { return lower(x) == lower(y); });
}

std::string_view HeaderCapture::find(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return {};
}

size_t HeaderCapture::callback(char* data, size_t size, size_t count, void* self) {
  auto& capture = *static_cast<HeaderCapture*>(self);
  std::string_view line(data, size * count);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
    line.remove_suffix(1);
  if (line.substr(0, 5) == "HTTP/") {
    capture.headers.clear();  // a new response: redirect hop or 1xx
    const auto space = line.find(' ');
    long status = 0;
    if (space != std::string_view::npos) {
      std::from_chars(line.data() + space + 1, line.data() + line.size(), status);
    }
    capture.status = status;
    return size * count;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return size * count;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
    value.remove_prefix(1);
  capture.headers.emplace_back(std::move(name), std::string(value));
  return size * count;
}

void apply_common_options(CURL* handle, const HttpOptions& options, const std::string& url,
                          char* error_buffer, HeaderCapture& headers) {
  error_buffer[0] = '\0';
  curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for DNS timeouts
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options.connect_timeout.count()));
  curl_easy_setopt(handle, CURLOPT_LOW_SPEED_LIMIT, options.low_speed_bytes);
  curl_easy_setopt(handle, CURLOPT_LOW_SPEED_TIME,
                   static_cast<long>(options.low_speed_time.count()));
  curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options.ca_file.empty()) curl_easy_setopt(handle, CURLOPT_CAINFO, options.ca_file.c_str());
  curl_easy_setopt(handle, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(handle, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(handle, CURLOPT_USERAGENT, options.user_agent.c_str());
  curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, &HeaderCapture::callback);
  curl_easy_setopt(handle, CURLOPT_HEADERDATA, &headers);
}

std::string url_without_query(std::string_view url) {
  return std::string(url.substr(0, url.find('?')));
}

Error curl_error(CURLcode code, const char* error_buffer, std::string_view url) {
  const std::string detail =
      error_buffer != nullptr && *error_buffer != '\0' ? error_buffer : curl_easy_strerror(code);
  const std::string where = url_without_query(url);
  switch (code) {
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return make_error(Errc::invalid_argument, "bad URL " + where + ": " + detail);
    case CURLE_SSL_CACERT_BADFILE:
      return make_error(Errc::config, "cannot use the CA file: " + detail);
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY: {
      // Nothing was exchanged: the retry policy may give up early
      // (RetryPolicy::unreachable_budget).
      Error error = make_error(Errc::network, where + ": " + detail);
      error.sys_errno = code == CURLE_COULDNT_CONNECT ? ECONNREFUSED : EHOSTUNREACH;
      return error;
    }
    default:
      return make_error(Errc::network, where + ": " + detail);
  }
}

bool parse_content_range(std::string_view value, std::uint64_t& start,
                         std::optional<std::uint64_t>& total) {
  if (value.substr(0, 6) != "bytes ") return false;
  value.remove_prefix(6);
  const auto dash = value.find('-');
  const auto slash = value.find('/');
  if (dash == std::string_view::npos || slash == std::string_view::npos || dash > slash) {
    return false;
  }
  const auto start_result = std::from_chars(value.data(), value.data() + dash, start);
  if (start_result.ec != std::errc() || start_result.ptr != value.data() + dash) return false;
  const std::string_view total_text = value.substr(slash + 1);
  if (total_text == "*") {
    total.reset();
    return true;
  }
  std::uint64_t parsed = 0;
  const auto total_result =
      std::from_chars(total_text.data(), total_text.data() + total_text.size(), parsed);
  if (total_result.ec != std::errc() || total_result.ptr != total_text.data() + total_text.size()) {
    return false;
  }
  total = parsed;
  return true;
}

}  // namespace flickrfs::api::http
