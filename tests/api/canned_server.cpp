// See canned_server.hpp.
#include "tests/api/canned_server.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace flickrfs::test {

namespace {

api::oauth::Params header_params(const std::string& authorization) {
  api::oauth::Params out;
  if (authorization.rfind("OAuth ", 0) != 0) return out;
  std::string_view rest = std::string_view(authorization).substr(6);
  while (!rest.empty()) {
    const auto eq = rest.find('=');
    if (eq == std::string_view::npos) break;
    std::string_view name = rest.substr(0, eq);
    while (!name.empty() && (name.front() == ' ' || name.front() == ','))
      name.remove_prefix(1);
    rest.remove_prefix(eq + 1);
    if (rest.empty() || rest.front() != '"') break;
    const auto close = rest.find('"', 1);
    if (close == std::string_view::npos) break;
    auto value = api::oauth::percent_decode(rest.substr(1, close - 1), false);
    if (name != "realm" && value.ok()) out.emplace_back(std::string(name), *value);
    rest.remove_prefix(close + 1);
  }
  return out;
}

}  // namespace

bool RecordedRequest::has(std::string_view name) const {
  for (const auto& [key, value] : params) {
    if (key == name) return true;
  }
  return false;
}

std::string RecordedRequest::header(const std::string& name) const {
  const auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

CannedServer::CannedServer(Handler handler) : m_handler(std::move(handler)) {
  const auto route = [this](const httplib::Request& request, httplib::Response& response) {
    serve(request, response);
  };
  m_server.Get(".*", route);
  m_server.Post(".*", route);
  m_server.set_keep_alive_max_count(1000);
  m_port = m_server.bind_to_any_port("127.0.0.1");
  if (m_port <= 0) throw std::runtime_error("cannot bind 127.0.0.1");
  m_thread = std::thread([this] { m_server.listen_after_bind(); });
  while (!m_server.is_running())
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

CannedServer::~CannedServer() {
  m_server.stop();
  m_thread.join();
}

void CannedServer::set_handler(Handler handler) {
  const std::lock_guard lock(m_mutex);
  m_handler = std::move(handler);
}

std::vector<RecordedRequest> CannedServer::requests() const {
  const std::lock_guard lock(m_mutex);
  return m_requests;
}

std::size_t CannedServer::request_count() const {
  const std::lock_guard lock(m_mutex);
  return m_requests.size();
}

void CannedServer::serve(const httplib::Request& request, httplib::Response& response) {
  RecordedRequest recorded;
  recorded.method = request.method;
  recorded.path = request.path;
  recorded.headers = request.headers;
  recorded.body = request.body;
  recorded.remote_port = request.remote_port;
  const auto query_at = request.target.find('?');
  if (query_at != std::string::npos) {
    auto query = api::oauth::parse_form(request.target.substr(query_at + 1));
    if (query.ok()) recorded.params = *query;
  }
  if (request.method == "POST") {
    auto form = api::oauth::parse_form(request.body);
    if (form.ok()) recorded.params.insert(recorded.params.end(), form->begin(), form->end());
  }
  const auto from_header = header_params(request.get_header_value("Authorization"));
  recorded.params.insert(recorded.params.end(), from_header.begin(), from_header.end());

  Handler handler;
  {
    const std::lock_guard lock(m_mutex);
    m_requests.push_back(recorded);
    handler = m_handler;
  }
  CannedReply reply;
  if (handler) {
    reply = handler(recorded);
  } else {
    reply.status = 404;
    reply.body = "no handler";
  }
  response.status = reply.status;
  for (const auto& [name, value] : reply.headers)
    response.set_header(name, value);
  if (reply.stall.count() > 0) std::this_thread::sleep_for(reply.stall);
  switch (reply.fault) {
    case CannedReply::Fault::none:
    case CannedReply::Fault::stall:
      if (request.has_header("Range")) {
        // cpp-httplib 0.11 slices any fixed-length body by the request's Range itself (even
        // a 206 we already sliced, even a 200 we mean to send whole). A chunked body is left
        // alone, so the test decides exactly what goes out.
        const std::string body = reply.body;
        response.set_chunked_content_provider(
            reply.content_type.c_str(), [body](std::size_t offset, httplib::DataSink& sink) {
              const std::size_t piece = std::min<std::size_t>(65536, body.size() - offset);
              if (piece > 0) sink.write(body.data() + offset, piece);
              if (offset + piece >= body.size()) sink.done();
              return true;
            });
      } else {
        response.set_content(reply.body, reply.content_type.c_str());
      }
      break;
    case CannedReply::Fault::reset:  // headers promise a body that never comes
      response.set_content_provider(
          reply.body.size() + 100, reply.content_type.c_str(),
          [](std::size_t, std::size_t, httplib::DataSink&) { return false; });
      break;
    case CannedReply::Fault::truncate: {  // half the body, then the connection closes
      const std::string body = reply.body;
      response.set_content_provider(
          body.size(), reply.content_type.c_str(),
          [body](std::size_t offset, std::size_t, httplib::DataSink& sink) {
            if (offset > 0) return false;
            sink.write(body.data(), body.size() / 2);
            return true;
          });
      break;
    }
  }
}

bool signature_valid(const RecordedRequest& request, const std::string& base_url,
                     const std::string& consumer_secret, const std::string& token_secret) {
  const std::string signature = request.param("oauth_signature");
  if (signature.empty()) return false;
  const std::string base =
      api::oauth::signature_base_string(request.method, base_url + request.path, request.params);
  return api::oauth::hmac_sha1_base64(api::oauth::signing_key(consumer_secret, token_secret),
                                      base) == signature;
}

std::string fixture(const std::string& name) {
  const char* root = std::getenv("FLICKRFS_SOURCE_DIR");  // NOLINT(concurrency-mt-unsafe)
  const std::string path =
      std::string(root != nullptr ? root : ".") + "/tests/api/fixtures/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("missing fixture " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace flickrfs::test
