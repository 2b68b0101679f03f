// /services/upload/ and /services/replace/ (flickr-api.md section 11): multipart/form-data,
// OAuth-signed over every field except `photo`, write permission required, replies always
// XML. The bytes are kept and served as the photo's Original size.
#include "node.hpp"
#include "server.hpp"

namespace flickrfs::emulator {

namespace {

struct UploadReply {
  std::optional<Node> root;
  int code = 0;
  std::string message;
};

UploadReply fail(int code, std::string message) {
  return UploadReply{std::nullopt, code, std::move(message)};
}

// Query + non-file form fields + Authorization header: what the client signed.
ParamList upload_params(const httplib::Request& req) {
  ParamList params = request_params(req);
  for (const auto& [name, field] : req.files) {
    if (name != "photo" && field.filename.empty()) params.emplace_back(name, field.content);
  }
  return params;
}

// Flickr sniffs the bytes, not the file name.
std::string format_of(const std::string& bytes) {
  if (bytes.rfind("\xFF\xD8\xFF", 0) == 0) return "jpg";
  if (bytes.rfind("\x89PNG", 0) == 0) return "png";
  if (bytes.rfind("GIF8", 0) == 0) return "gif";
  return "";
}

std::string title_from_filename(const std::string& filename) {
  const auto slash = filename.find_last_of("/\\");
  std::string name = slash == std::string::npos ? filename : filename.substr(slash + 1);
  const auto dot = name.rfind('.');
  return dot == std::string::npos || dot == 0 ? name : name.substr(0, dot);
}

// Checks signature and write permission; nullopt when the caller may upload.
std::optional<UploadReply> check_caller(ServerState& state, const httplib::Request& req,
                                        const ParamList& params, httplib::Response& res,
                                        bool* replied) {
  const OAuthOutcome outcome =
      state.verifier.verify(OAuthCall{req.method, request_url(state, req), params});
  if (!outcome.ok) {
    state.stats.count_oauth_refused(outcome.body.substr(0, outcome.body.find('&')));
    res.status = outcome.http_status;
    res.set_content(outcome.body, "text/plain; charset=utf-8");
    *replied = true;
    return std::nullopt;
  }
  if (!outcome.is_signed || outcome.token.empty()) {
    return fail(99, "Insufficient permissions. Method requires write privileges; none granted.");
  }
  if (outcome.token == kReadAccessToken) {
    return fail(99, "Insufficient permissions. Method requires write privileges; read granted.");
  }
  if (outcome.token != kAccessToken) return fail(98, "Invalid auth token");
  return std::nullopt;
}

UploadReply accept(ServerState& state, const httplib::Request& req, const ParamList& params,
                   bool replace) {
  if (!req.has_file("photo")) return fail(2, "No photo specified");
  const auto photo = req.get_file_value("photo");
  if (photo.content.empty()) return fail(4, "Filesize was zero");
  const std::string format = format_of(photo.content);
  if (format.empty()) return fail(5, "Filetype was not recognised");
  std::string id;
  Node root("");
  if (replace) {
    id = param_value(params, "photo_id");
    std::string error;
    if (!state.world.replace(id, &error)) return fail(1, "Photo not found");
    const auto p = state.world.find(id);
    Node n = text_node("photoid", id);
    n.attr("secret", str(p->secret)).attr("originalsecret", str(p->original_secret));
    if (param_value(params, "async") != "1") root.child(std::move(n));
  } else {
    std::string title = param_value(params, "title");
    if (title.empty()) title = title_from_filename(photo.filename);
    const bool is_public = param_value(params, "is_public") != "0";
    id = state.world.add_upload(title, is_public, format);
    if (param_value(params, "async") != "1") root.child(text_node("photoid", id));
  }
  state.images.set_original(id, photo.content);
  state.stats.count_upload(photo.content.size(), replace);
  if (param_value(params, "async") == "1")
    root.child(text_node("ticketid", state.tickets.issue(id)));
  return UploadReply{std::move(root), 0, ""};
}

void handle_upload(ServerState& state, const httplib::Request& req, httplib::Response& res,
                   bool replace) {
  const Fault fault = state.faults.next(true);
  if (fault != Fault::None) state.stats.count_fault(fault_name(fault));
  if (answer_http_fault(fault, req, res)) return;
  if (fault == Fault::Stall) sleep_ms(state.options.stall_ms);
  UploadReply reply;
  const std::string unavailable = "Sorry, the Flickr API service is not currently available.";
  if (fault == Fault::StatFail201) reply = fail(201, unavailable);
  if (fault == Fault::StatFail0) reply = fail(0, unavailable);
  if (fault == Fault::StatFail105) reply = fail(105, "Service currently unavailable");
  if (!reply.code && !state.limiter.admit()) {
    state.stats.count_rate_limited();
    answer_http_fault(Fault::Http429, req, res);
    return;
  }
  if (!reply.code) {
    const ParamList params = upload_params(req);
    bool replied = false;
    auto refused = check_caller(state, req, params, res, &replied);
    if (replied) return;
    state.stats.count_call(replace ? "(replace)" : "(upload)");
    reply = refused ? *refused : accept(state, req, params, replace);
  }
  // Always XML, even when format=json was sent.
  std::string body =
      reply.root ? render_xml_ok(*reply.root) : render_xml_fail(reply.code, reply.message);
  const std::string type = "text/xml; charset=utf-8";
  if (fault == Fault::Truncated || fault == Fault::InvalidJson) {
    send_truncated(res, std::move(body), type);  // processed, but the reply is lost
    return;
  }
  send_api_body(state, req, res, std::move(body), type);
}

}  // namespace

void install_upload_routes(httplib::Server& server, ServerState& state) {
  server.Post("/services/upload/?", [&state](const httplib::Request& req, httplib::Response& res) {
    handle_upload(state, req, res, false);
  });
  server.Post("/services/replace/?", [&state](const httplib::Request& req, httplib::Response& res) {
    handle_upload(state, req, res, true);
  });
}

}  // namespace flickrfs::emulator
