// The OAuth 1.0a out-of-band flow (flickr-api.md section 12): request_token (signed with the
// consumer secret), authorize (an HTML page showing the verifier, or a redirect to the
// callback), access_token (signed with the request token secret; answers test-token).
#include "rest_api.hpp"
#include "server.hpp"

namespace flickrfs::emulator {

namespace {

// Verifies the signature; on failure fills res and returns nullopt.
std::optional<OAuthOutcome> verified(ServerState& state, const httplib::Request& req,
                                     const ParamList& params, httplib::Response& res) {
  OAuthOutcome outcome =
      state.verifier.verify(OAuthCall{req.method, request_url(state, req), params});
  if (outcome.ok && !outcome.is_signed) {
    outcome.ok = false;
    outcome.http_status = 400;
    outcome.body = "oauth_problem=parameter_absent&oauth_parameters_absent=oauth_signature";
  }
  if (outcome.ok) return outcome;
  state.stats.count_oauth_refused(outcome.body.substr(0, outcome.body.find('&')));
  res.status = outcome.http_status;
  res.set_content(outcome.body, "text/plain; charset=utf-8");
  return std::nullopt;
}

void request_token(ServerState& state, const httplib::Request& req, httplib::Response& res) {
  const ParamList params = request_params(req);
  const auto outcome = verified(state, req, params, res);
  if (!outcome) return;
  const std::string callback = param_value(params, "oauth_callback");
  if (callback.empty()) {
    res.status = 400;
    res.set_content("oauth_problem=parameter_absent&oauth_parameters_absent=oauth_callback",
                    "text/plain; charset=utf-8");
    return;
  }
  const auto entry = state.request_tokens.issue(callback);
  const auto token = state.request_tokens.token_of(entry).value_or("");
  res.set_content("oauth_callback_confirmed=true&oauth_token=" + percent_encode(token) +
                      "&oauth_token_secret=" + percent_encode(entry.secret),
                  "text/plain; charset=utf-8");
}

void authorize(ServerState& state, const httplib::Request& req, httplib::Response& res) {
  const std::string token = req.get_param_value("oauth_token");
  const auto entry = state.request_tokens.find(token);
  if (!entry) {
    res.status = 400;
    res.set_content("<html><body><p>Oops! The token is invalid or expired.</p></body></html>\n",
                    "text/html; charset=utf-8");
    return;
  }
  const std::string perms = req.has_param("perms") ? req.get_param_value("perms") : "read";
  state.token_perms = std::max(1, perms_level(perms));
  if (entry->callback != "oob") {
    const char sep = entry->callback.find('?') == std::string::npos ? '?' : '&';
    res.set_redirect(entry->callback + sep + "oauth_token=" + percent_encode(token) +
                     "&oauth_verifier=" + percent_encode(entry->verifier));
    return;
  }
  res.set_content(
      "<!DOCTYPE html>\n<html><head><title>Flickr: authorize</title></head><body>\n"
      "<p>You have authorized the application to access your account (" +
          perms +
          ").</p>\n"
          "<p>Type this code into the application: <span id=\"verifier\">" +
          entry->verifier + "</span></p>\n</body></html>\n",
      "text/html; charset=utf-8");
}

void access_token(ServerState& state, const httplib::Request& req, httplib::Response& res) {
  const ParamList params = request_params(req);
  const auto outcome = verified(state, req, params, res);
  if (!outcome) return;
  const auto entry = state.request_tokens.find(outcome->token);
  if (outcome->token.empty() || !entry ||
      param_value(params, "oauth_verifier") != entry->verifier) {
    state.stats.count_oauth_refused("oauth_problem=token_rejected");
    res.status = 401;
    res.set_content("oauth_problem=token_rejected", "text/plain; charset=utf-8");
    return;
  }
  state.request_tokens.erase(outcome->token);
  res.set_content("fullname=" + percent_encode(kRealname) + "&oauth_token=" + kAccessToken +
                      "&oauth_token_secret=" + kAccessTokenSecret +
                      "&user_nsid=" + percent_encode(kUserNsid) + "&username=" + kUsername,
                  "text/plain; charset=utf-8");
}

}  // namespace

void install_oauth_routes(httplib::Server& server, ServerState& state) {
  for (const char* path : {"/services/oauth/request_token", "/services/oauth/access_token"}) {
    const bool is_request = std::string(path).find("request") != std::string::npos;
    const auto handler = [&state, is_request](const httplib::Request& req, httplib::Response& res) {
      is_request ? request_token(state, req, res) : access_token(state, req, res);
    };
    server.Get(path, handler);
    server.Post(path, handler);
  }
  server.Get("/services/oauth/authorize",
             [&state](const httplib::Request& req, httplib::Response& res) {
               authorize(state, req, res);
             });
}

}  // namespace flickrfs::emulator
