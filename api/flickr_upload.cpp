// FlickrClient uploads: /services/upload/, /services/replace/ and checkTickets (see
// flickr_client.hpp and flickr-api.md section 11).
#include "api/flickr_client.hpp"
#include "api/flickr_client_impl.hpp"

namespace flickrfs::api {

Result<parse::UploadReply> FlickrClient::upload(const UploadRequest& request,
                                                const http::UploadProgress& progress) {
  const Credentials& credentials = m_options.credentials;
  if (!credentials.has_token()) {
    return make_error(Errc::auth, "uploads need a token: run `flickrfs auth --perms write`");
  }
  const bool replace = !request.replace_photo_id.empty();
  const std::string url =
      m_options.upload_url + (replace ? "/services/replace/" : "/services/upload/");
  const std::string what = replace ? "replace" : "upload";
  oauth::Params fields;
  if (replace) fields.emplace_back("photo_id", request.replace_photo_id);
  if (!request.title.empty()) fields.emplace_back("title", request.title);
  if (request.is_public) fields.emplace_back("is_public", *request.is_public ? "1" : "0");
  if (request.async) fields.emplace_back("async", "1");
  const std::function<Result<parse::UploadReply>()> attempt = [&]() -> Result<parse::UploadReply> {
    const oauth::Keys keys{credentials.api_key, credentials.api_secret, credentials.oauth_token,
                           credentials.oauth_token_secret};
    // The signature covers every field but `photo` (fresh nonce per attempt).
    oauth::Params all = fields;
    const auto signed_oauth =
        oauth::oauth_params("POST", url, fields, keys, {}, oauth::make_nonce(), oauth::unix_now());
    all.insert(all.end(), signed_oauth.begin(), signed_oauth.end());
    http::Request http_request;
    http_request.method = "POST";
    http_request.url = url;
    http::FormPost form;
    for (const auto& [name, value] : all)
      form.parts.push_back(http::FormPart{name, value, "", ""});
    form.parts.push_back(http::FormPart{"photo", "", request.file_path, ""});
    form.progress = progress;
    log(LogLevel::debug, "POST " + url + " (multipart, " + request.file_path + ")");
    FLICKRFS_TRY(const http::Response response, m_http->request(http_request, &form));
    log(LogLevel::info, what + ": HTTP " + std::to_string(response.status));
    if (response.status != 200) return http_failure(what, response);
    return parse::upload_reply(response.body, what);
  };
  return with_retries<parse::UploadReply>(what, Kind::api, attempt);
}

Result<std::vector<parse::TicketStatus>> FlickrClient::check_tickets(
    const std::vector<std::string>& ticket_ids) {
  std::string joined;
  for (const auto& id : ticket_ids)
    joined += (joined.empty() ? "" : ",") + id;
  return call<std::vector<parse::TicketStatus>>(
      "flickr.photos.upload.checkTickets", {{"tickets", joined}}, false, parse::ticket_statuses);
}

}  // namespace flickrfs::api
