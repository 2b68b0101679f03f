// Upload/replace XML replies (see upload_reply.hpp). The replies are a handful of fixed
// elements, so a small scanner is enough; anything else is bad_response (retried).
#include "api/parse/upload_reply.hpp"

#include <charconv>

#include "api/parse/envelope.hpp"
#include "api/parse/json_util.hpp"

namespace flickrfs::api::parse {

namespace {

// The text of the first <name ...>text</name>, or nullopt.
std::optional<std::string> element_text(std::string_view body, std::string_view name) {
  const std::string open = "<" + std::string(name);
  for (auto at = body.find(open); at != std::string_view::npos; at = body.find(open, at + 1)) {
    const char after = at + open.size() < body.size() ? body[at + open.size()] : '\0';
    if (after != '>' && after != ' ') continue;  // <photoidx> is another element
    const auto gt = body.find('>', at);
    const auto close = body.find("</" + std::string(name) + ">", at);
    if (gt == std::string_view::npos || close == std::string_view::npos || close < gt) break;
    return std::string(body.substr(gt + 1, close - gt - 1));
  }
  return std::nullopt;
}

std::string attribute(std::string_view element, std::string_view name) {
  const std::string key = " " + std::string(name) + "=\"";
  const auto at = element.find(key);
  if (at == std::string_view::npos) return "";
  const auto end = element.find('"', at + key.size());
  if (end == std::string_view::npos) return "";
  return std::string(element.substr(at + key.size(), end - at - key.size()));
}

std::string unescape_xml(std::string text) {
  static const std::pair<const char*, const char*> kEntities[] = {
      {"&quot;", "\""}, {"&apos;", "'"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}};
  for (const auto& [entity, plain] : kEntities) {
    for (auto at = text.find(entity); at != std::string::npos; at = text.find(entity, at + 1))
      text.replace(at, std::string_view(entity).size(), plain);
  }
  return text;
}

}  // namespace

Result<UploadReply> upload_reply(std::string_view body, std::string_view what) {
  const auto rsp = body.find("<rsp");
  if (rsp == std::string_view::npos || body.find("</rsp>") == std::string_view::npos) {
    return make_error(Errc::bad_response, std::string(what) + ": reply is not Flickr's XML");
  }
  const std::string head(body.substr(rsp, body.find('>', rsp) - rsp));
  if (attribute(head, "stat") != "ok") {
    const auto err = body.find("<err");
    if (err == std::string_view::npos) {
      return make_error(Errc::bad_response, std::string(what) + ": stat is not ok, no <err>");
    }
    const std::string element(body.substr(err, body.find('>', err) - err));
    const std::string code = attribute(element, "code");
    int number = -1;
    std::from_chars(code.data(), code.data() + code.size(), number);
    return flickr_error(what, number, unescape_xml(attribute(element, "msg")));
  }
  UploadReply reply;
  reply.photo_id = element_text(body, "photoid").value_or("");
  reply.ticket_id = element_text(body, "ticketid").value_or("");
  if (reply.photo_id.empty() && reply.ticket_id.empty()) {
    return make_error(Errc::bad_response, std::string(what) + ": no photoid or ticketid");
  }
  return reply;
}

Result<std::vector<TicketStatus>> ticket_statuses(std::string_view body) {
  std::vector<TicketStatus> out;
  FLICKRFS_CHECK(detail::parse_root(
      body, "flickr.photos.upload.checkTickets",
      [&](std::string_view key, detail::od::value value) {
        if (key != "uploader") return;
        detail::for_each_member(value, [&](std::string_view k, detail::od::value list) {
          if (k != "ticket") return;
          detail::for_each_item(list, [&](detail::od::value item) {
            TicketStatus t;
            detail::for_each_member(item, [&](std::string_view f, detail::od::value v) {
              if (f == "id") t.id = detail::text(v);
              if (f == "complete") t.complete = static_cast<int>(detail::integer(v));
              if (f == "photoid") t.photo_id = detail::text(v);
              if (f == "invalid") t.invalid = detail::flag(v);
            });
            out.push_back(std::move(t));
          });
        });
      }));
  return out;
}

}  // namespace flickrfs::api::parse
