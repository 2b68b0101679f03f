// /services/rest/: parameter gathering, faults, rate limit, OAuth verification, api_key
// check, dispatch, and JSON/JSONP/XML rendering with Flickr's content types.
#include <chrono>

#include "rest_api.hpp"
#include "server.hpp"

namespace flickrfs::emulator {

namespace {

struct Rendering {
  bool json = false;
  bool jsonp = false;
};

void reply_result(const ServerState& state, const httplib::Request& req, httplib::Response& res,
                  const Rendering& how, const MethodResult& result, Fault fault) {
  std::string body;
  std::string type;
  if (how.json) {
    body =
        result.root ? render_json_ok(*result.root) : render_json_fail(result.code, result.message);
    // Recorded JSON errors came back as text/plain (flickr-api.md section 1).
    type = result.root ? "application/json" : "text/plain; charset=utf-8";
    if (how.jsonp) body = "jsonFlickrApi(" + body + ")";
  } else {
    body = result.root ? render_xml_ok(*result.root) : render_xml_fail(result.code, result.message);
    type = "text/xml; charset=utf-8";
  }
  if (fault == Fault::InvalidJson) {
    // JSON cut off inside a value; for XML the observed JSON-with-trailing-comma reply.
    body = how.json ? body.substr(0, body.size() / 2) + "\x01<html>"
                    : "{\"stat\":\"fail\",\"message\":\"Sorry, the Flickr API service is not "
                      "currently available.\",\"code\":201},";
  }
  if (fault == Fault::Truncated) {
    send_truncated(res, std::move(body), type);
    return;
  }
  send_api_body(state, req, res, std::move(body), type);
}

std::optional<MethodResult> fault_failure(Fault fault) {
  const std::string unavailable = "Sorry, the Flickr API service is not currently available.";
  if (fault == Fault::StatFail201) return MethodResult::fail(201, unavailable);
  if (fault == Fault::StatFail0) return MethodResult::fail(0, unavailable);
  if (fault == Fault::StatFail105) return MethodResult::fail(105, "Service currently unavailable");
  return std::nullopt;
}

// Checks the caller's credentials; returns a failure to send, or fills ctx.
std::optional<MethodResult> authenticate(ServerState& state, const httplib::Request& req,
                                         const ParamList& params, CallContext& ctx,
                                         httplib::Response& res, bool* replied) {
  const OAuthCall call{req.method, request_url(state, req), params};
  const OAuthOutcome outcome = state.verifier.verify(call);
  if (!outcome.ok) {
    state.stats.count_oauth_refused(outcome.body.substr(0, outcome.body.find('&')));
    res.status = outcome.http_status;
    res.set_content(outcome.body, "text/plain; charset=utf-8");
    *replied = true;
    return std::nullopt;
  }
  if (outcome.is_signed) {
    if (!outcome.token.empty() && outcome.token != kAccessToken &&
        outcome.token != kReadAccessToken)
      return MethodResult::fail(98, "Invalid auth token");
    ctx.authenticated = !outcome.token.empty();
    ctx.token = outcome.token;
    return std::nullopt;
  }
  const std::string key = param_value(params, "api_key");
  if (key != kConsumerKey) {
    return MethodResult::fail(100, key.empty() ? "Invalid API Key (Key not found)"
                                               : "Invalid API Key (Key has invalid format)");
  }
  return std::nullopt;
}

void handle_rest(ServerState& state, const httplib::Request& req, httplib::Response& res) {
  ParamList params = request_params(req);
  const std::string format = param_value(params, "format");
  const Rendering how{format == "json",
                      format == "json" && param_value(params, "nojsoncallback") != "1"};
  const Fault fault = state.faults.next(true);
  if (fault != Fault::None) state.stats.count_fault(fault_name(fault));
  if (answer_http_fault(fault, req, res)) return;
  if (fault == Fault::Stall) sleep_ms(state.options.stall_ms);
  if (auto failure = fault_failure(fault))
    return reply_result(state, req, res, how, *failure, Fault::None);
  if (!state.limiter.admit()) {
    state.stats.count_rate_limited();
    answer_http_fault(Fault::Http429, req, res);
    return;
  }
  CallContext ctx{state.world, state.base_url, params, false, "", &state.tickets};
  bool replied = false;
  auto refused = authenticate(state, req, params, ctx, res, &replied);
  if (replied) return;
  const std::string method = param_value(params, "method");
  state.stats.count_call(method.empty() ? "(none)" : method);
  if (!refused && !format.empty() && format != "json" && format != "rest") {
    refused = MethodResult::fail(111, "Format \"" + format + "\" not found");
  }
  const MethodResult result = refused ? *refused : call_method(method, ctx);
  reply_result(state, req, res, how, result, fault);
}

}  // namespace

void install_rest_routes(httplib::Server& server, ServerState& state) {
  const auto handler = [&state](const httplib::Request& req, httplib::Response& res) {
    handle_rest(state, req, res);
  };
  // Flickr answers with and without the trailing slash; the signature covers the path used.
  server.Get("/services/rest/?", handler);
  server.Post("/services/rest/?", handler);
}

}  // namespace flickrfs::emulator
