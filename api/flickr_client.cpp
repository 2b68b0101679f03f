// See flickr_client.hpp: construction, the signed transport, error mapping, logging, the
// OAuth flow and image transfers. Typed methods are in flickr_methods.cpp.
#include "api/flickr_client.hpp"

#include <chrono>

#include "api/flickr_client_impl.hpp"
#include "api/parse/envelope.hpp"

namespace flickrfs::api {

namespace {

// The parameters as they may appear in a log line: no signature (it is not a secret, but it
// is noise), everything else kept.
std::string loggable_query(const oauth::Params& params) {
  oauth::Params shown;
  for (const auto& [name, value] : params) {
    if (name != "oauth_signature") shown.emplace_back(name, value);
  }
  return oauth::form_encode(shown);
}

}  // namespace

Error http_failure(std::string_view what, const http::Response& response) {
  const std::string prefix = std::string(what) + ": HTTP " + std::to_string(response.status);
  auto form = oauth::parse_form(response.body);
  const std::string problem =
      form.ok() ? std::string(oauth::find_param(form.value(), "oauth_problem")) : std::string();
  if (!problem.empty()) {
    std::string hint;
    if (problem == "signature_invalid") hint = " (check the API secret and the token secret)";
    if (problem == "token_rejected") hint = " (run `flickrfs auth` again)";
    if (problem == "consumer_key_unknown") hint = " (check the API key)";
    return make_error(Errc::auth, prefix + ", OAuth " + problem + hint);
  }
  if (response.status == 401 || response.status == 403) {
    return make_error(Errc::auth, prefix + " (credentials rejected)");
  }
  if (response.status == 429 || response.status >= 500) {
    Error error = response.status == 429
                      ? make_error(Errc::rate_limited, prefix + " (too many requests)")
                      : make_error(Errc::unavailable, prefix);
    const auto retry_after = parse_retry_after(response.header("retry-after"), oauth::unix_now());
    if (retry_after) error.retry_after_ms = retry_after->count();
    return error;
  }
  if (response.status == 404) return make_error(Errc::config, prefix + " (no Flickr API here?)");
  if (response.status >= 400) return make_error(Errc::invalid_argument, prefix);
  return make_error(Errc::bad_response, prefix);  // 1xx/3xx/2xx other than 200: odd, retried
}

FlickrClient::FlickrClient(ClientOptions options)
    : m_options(std::move(options)),
      m_clock(m_options.clock != nullptr ? m_options.clock : &steady_clock()),
      m_limiter(m_options.rate_limiter != nullptr
                    ? m_options.rate_limiter
                    : std::make_shared<RateLimiter>(
                          m_options.rate_limits, *m_clock,
                          [this](std::string_view line) { log(LogLevel::warning, line); })) {
  while (!m_options.api_url.empty() && m_options.api_url.back() == '/')
    m_options.api_url.pop_back();
  if (m_options.http.ca_file.empty()) m_options.http.ca_file = m_options.ca_file;
  m_http = std::make_unique<http::HttpClient>(m_options.http);
}

FlickrClient::~FlickrClient() = default;

std::string FlickrClient::rest_url() const {
  return m_options.api_url + "/services/rest/";
}

Result<void> FlickrClient::ping(std::chrono::milliseconds timeout) {
  http::Request request;
  request.url = rest_url() + "?method=flickr.test.echo&format=json&nojsoncallback=1";
  request.timeout = timeout;
  FLICKRFS_TRY(const http::Response response, m_http->request(request));
  if (response.status != 200) {
    Error error = http_failure("flickr.test.echo", response);
    const bool sick = error.code == Errc::unavailable || error.code == Errc::rate_limited ||
                      error.code == Errc::bad_response;
    return sick ? Result<void>(std::move(error)) : success();
  }
  auto envelope = parse::check_envelope(response.body, "flickr.test.echo");
  if (!envelope.ok() &&
      (envelope.error().code == Errc::unavailable || envelope.error().code == Errc::bad_response)) {
    return envelope;
  }
  return success();  // "Invalid API Key" is the normal answer to a request without one
}

void FlickrClient::log(LogLevel level, std::string_view line) const {
  if (!m_options.log || static_cast<int>(level) > m_options.verbosity) return;
  m_options.log(level, redact(std::string(line)));
}

std::string FlickrClient::redact(std::string text) const {
  const Credentials& credentials = m_options.credentials;
  for (const std::string* secret : {&credentials.api_secret, &credentials.oauth_token_secret}) {
    if (secret->empty()) continue;
    for (const std::string& form : {*secret, oauth::percent_encode(*secret)}) {
      for (auto at = text.find(form); at != std::string::npos; at = text.find(form, at + 3)) {
        text.replace(at, form.size(), "***");
      }
    }
  }
  return text;
}

Result<std::string> FlickrClient::api_attempt(std::string_view method, const oauth::Params& params,
                                              bool post) {
  const Credentials& credentials = m_options.credentials;
  if (credentials.api_key.empty()) {
    return make_error(Errc::config,
                      "no API key: set FLICKRFS_API_KEY and FLICKRFS_API_SECRET or run "
                      "`flickrfs auth`");
  }
  oauth::Params all = {
      {"method", std::string(method)}, {"format", "json"}, {"nojsoncallback", "1"}};
  all.insert(all.end(), params.begin(), params.end());
  const std::string url = rest_url();
  const char* verb = post ? "POST" : "GET";
  if (credentials.has_token()) {
    const oauth::Keys keys{credentials.api_key, credentials.api_secret, credentials.oauth_token,
                           credentials.oauth_token_secret};
    const auto signed_oauth =
        oauth::oauth_params(verb, url, all, keys, {}, oauth::make_nonce(), oauth::unix_now());
    all.insert(all.end(), signed_oauth.begin(), signed_oauth.end());
  } else {
    all.emplace_back("api_key", credentials.api_key);
  }
  http::Request request;
  request.method = verb;
  if (post) {
    request.url = url;
    request.body = oauth::form_encode(all);
  } else {
    request.url = url + "?" + oauth::form_encode(all);
  }
  log(LogLevel::debug, std::string(verb) + " " + url + "?" + loggable_query(all));
  const auto started = std::chrono::steady_clock::now();
  FLICKRFS_TRY(const http::Response response, m_http->request(request));
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  log(LogLevel::info, std::string(method) + ": HTTP " + std::to_string(response.status) + ", " +
                          std::to_string(response.body.size()) + " bytes, " +
                          std::to_string(elapsed.count()) + " ms");
  if (response.status != 200) {
    if (response.body.find("debug_sbs=") != std::string::npos) {
      log(LogLevel::debug, std::string(method) + ": server said " + response.body);
    }
    return http_failure(method, response);
  }
  return std::string(response.body);
}

Result<std::string> FlickrClient::call_raw(std::string_view method, const oauth::Params& params,
                                           bool post) {
  return call<std::string>(method, params, post, [&](std::string_view body) -> Result<std::string> {
    FLICKRFS_CHECK(parse::check_envelope(body, method));
    return std::string(body);
  });
}

// ---- OAuth -------------------------------------------------------------------------------

Result<oauth::Params> FlickrClient::oauth_step(std::string_view endpoint, const oauth::Keys& keys,
                                               const oauth::Params& extra_oauth) {
  const std::string url = m_options.api_url + "/services/oauth/" + std::string(endpoint);
  const std::string what = "OAuth " + std::string(endpoint);
  const std::function<Result<oauth::Params>()> attempt = [&]() -> Result<oauth::Params> {
    const auto params = oauth::oauth_params("GET", url, {}, keys, extra_oauth, oauth::make_nonce(),
                                            oauth::unix_now());
    http::Request request;
    request.url = url + "?" + oauth::form_encode(params);
    log(LogLevel::debug, "GET " + url + "?" + loggable_query(params));
    FLICKRFS_TRY(const http::Response response, m_http->request(request));
    log(LogLevel::info, what + ": HTTP " + std::to_string(response.status));
    if (response.status != 200) return http_failure(what, response);
    auto form = oauth::parse_form(response.body);
    if (!form.ok()) return make_error(Errc::bad_response, what + ": reply is not form data");
    return form;
  };
  return with_retries<oauth::Params>(what, Kind::api, attempt);
}

Result<RequestToken> FlickrClient::request_token(std::string_view callback) {
  const Credentials& credentials = m_options.credentials;
  if (!credentials.has_key()) {
    return make_error(Errc::config,
                      "`flickrfs auth` needs an API key and secret "
                      "(FLICKRFS_API_KEY, FLICKRFS_API_SECRET or the config file)");
  }
  const oauth::Keys keys{credentials.api_key, credentials.api_secret, "", ""};
  FLICKRFS_TRY(const auto reply,
               oauth_step("request_token", keys, {{"oauth_callback", std::string(callback)}}));
  RequestToken token{std::string(oauth::find_param(reply, "oauth_token")),
                     std::string(oauth::find_param(reply, "oauth_token_secret"))};
  if (token.token.empty() || token.token_secret.empty()) {
    return make_error(Errc::bad_response, "OAuth request_token: reply has no token");
  }
  return token;
}

std::string FlickrClient::authorize_url(const RequestToken& token, std::string_view perms) const {
  return m_options.api_url + "/services/oauth/authorize?" +
         oauth::form_encode({{"oauth_token", token.token}, {"perms", std::string(perms)}});
}

Result<AccessToken> FlickrClient::access_token(const RequestToken& token,
                                               std::string_view verifier) {
  const Credentials& credentials = m_options.credentials;
  const oauth::Keys keys{credentials.api_key, credentials.api_secret, token.token,
                         token.token_secret};
  FLICKRFS_TRY(const auto reply,
               oauth_step("access_token", keys, {{"oauth_verifier", std::string(verifier)}}));
  AccessToken access;
  access.token = oauth::find_param(reply, "oauth_token");
  access.token_secret = oauth::find_param(reply, "oauth_token_secret");
  access.user_nsid = oauth::find_param(reply, "user_nsid");
  access.username = oauth::find_param(reply, "username");
  access.fullname = oauth::find_param(reply, "fullname");
  if (access.token.empty() || access.token_secret.empty()) {
    return make_error(Errc::bad_response, "OAuth access_token: reply has no token");
  }
  return access;
}

// ---- Images ------------------------------------------------------------------------------

Result<http::DownloadInfo> FlickrClient::download(const std::string& url, std::uint64_t offset,
                                                  const http::ChunkSink& sink,
                                                  const std::atomic<bool>* cancel,
                                                  const http::Rewind& rewind) {
  std::uint64_t position = offset;
  std::uint64_t origin = offset;  // where the sink's bytes start: 0 after a rewind
  bool restarted = false;
  bool sink_failed = false;
  const http::ChunkSink counting = [&](std::string_view chunk) -> Result<void> {
    auto accepted = sink(chunk);
    if (!accepted.ok()) {
      sink_failed = true;
      return accepted;
    }
    position += chunk.size();
    return success();
  };
  // A resume refused with 416: the caller drops its bytes and the file comes again from 0.
  const http::Rewind restart = [&]() -> Result<void> {
    auto rewound = rewind();
    if (!rewound.ok()) {
      sink_failed = true;
      return rewound;
    }
    position = 0;
    origin = 0;
    restarted = true;
    return success();
  };
  const std::function<Result<http::DownloadInfo>()> attempt = [&]() -> Result<http::DownloadInfo> {
    auto result =
        m_http->download(url, position, counting, cancel, rewind ? restart : http::Rewind());
    if (!result.ok() && sink_failed) {
      // The sink's own failure (disk full...) is final: mark it so it is not retried.
      Error error = std::move(result).error();
      if (is_retryable(error)) error.code = Errc::io;
      return error;
    }
    return result;
  };
  FLICKRFS_TRY(http::DownloadInfo info,
               with_retries<http::DownloadInfo>("download", Kind::image, attempt, cancel));
  info.bytes_written = position - origin;
  info.restarted = restarted;
  return info;
}

Result<http::RemoteSize> FlickrClient::probe_size(const std::string& url) {
  const std::function<Result<http::RemoteSize>()> attempt = [&] { return m_http->probe_size(url); };
  return with_retries<http::RemoteSize>("probe size", Kind::image, attempt);
}

}  // namespace flickrfs::api
