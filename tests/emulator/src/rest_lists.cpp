// The standard photo list element and its extras (flickr-api.md section 6), paging rules.
#include <algorithm>

#include "rest_api.hpp"
#include "sizes.hpp"

namespace flickrfs::emulator {

Paging read_paging(const CallContext& ctx, int default_per_page) {
  Paging p;
  p.per_page = default_per_page;
  std::uint64_t value = 0;
  // Flickr ignores unparsable or zero values and clamps per_page to 500.
  if (parse_uint(ctx.param("per_page"), &value) && value > 0)
    p.per_page = static_cast<int>(std::min<std::uint64_t>(value, 500));
  if (parse_uint(ctx.param("page"), &value) && value > 0)
    p.page = static_cast<int>(std::min<std::uint64_t>(value, 1000000000));
  return p;
}

std::vector<std::string> read_extras(const CallContext& ctx) {
  std::vector<std::string> out;
  const std::string text = ctx.param("extras");
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    std::string item = text.substr(start, end - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) out.push_back(item);
    start = end + 1;
  }
  return out;
}

namespace {

bool wants(const std::vector<std::string>& extras, const std::string& name) {
  return std::find(extras.begin(), extras.end(), name) != extras.end();
}

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words)
    out += (out.empty() ? "" : " ") + w;
  return out;
}

// Machine tags are listed lower-cased and stripped of punctuation in "tags", like Flickr.
std::string normalised_tag(const std::string& raw) {
  std::string out;
  for (char c : raw) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out += c;
    if (c >= 'A' && c <= 'Z') out += static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

void add_geo(Node& n, const Photo& p) {
  if (!p.geo) {  // Flickr sends zeros as numbers when a photo has no location
    n.attr("latitude", num(0)).attr("longitude", num(0)).attr("accuracy", num(0));
    n.attr("context", num(0));
    return;
  }
  n.attr("latitude", num_text(p.geo->latitude)).attr("longitude", num_text(p.geo->longitude));
  n.attr("accuracy", str(std::to_string(p.geo->accuracy))).attr("context", num(0));
  n.attr("place_id", str(p.geo->place_id)).attr("woeid", str(p.geo->woeid));
  n.attr("geo_is_public", num(1)).attr("geo_is_contact", num(0));
  n.attr("geo_is_friend", num(0)).attr("geo_is_family", num(0));
}

void add_urls(Node& n, const std::string& base, const Photo& p,
              const std::vector<std::string>& extras) {
  for (const auto& size : sizes_for(p)) {
    if (size.video || !wants(extras, "url_" + size.extra)) continue;
    const std::string& e = size.extra;
    n.attr("url_" + e, str(base + size.path));
    if (e == "o") {  // older recordings carry the original's dimensions as strings
      n.attr("height_o", str(std::to_string(size.height)));
      n.attr("width_o", str(std::to_string(size.width)));
    } else {
      n.attr("height_" + e, num(size.height)).attr("width_" + e, num(size.width));
    }
  }
}

}  // namespace

Node list_photo(const CallContext& ctx, const Photo& p, const std::vector<std::string>& extras,
                ListKind kind) {
  Node n("photo");
  n.attr("id", str(p.id));
  const bool others = !p.owner.empty();  // a favorite: another member's photo
  if (kind == ListKind::Standard) n.attr("owner", str(others ? p.owner : kUserNsid));
  n.attr("secret", str(p.secret)).attr("server", str(p.server)).attr("farm", num(p.farm));
  n.attr("title", str(p.title));
  if (kind == ListKind::Photoset) n.attr("isprimary", str("0"));
  n.attr("ispublic", num(p.is_public)).attr("isfriend", num(p.is_friend));
  n.attr("isfamily", num(p.is_family));
  if (wants(extras, "license")) n.attr("license", str(std::to_string(p.license)));
  if (wants(extras, "description")) n.child(text_node("description", p.description));
  if (wants(extras, "date_upload")) n.attr("dateupload", str(std::to_string(p.date_upload)));
  if (wants(extras, "last_update")) n.attr("lastupdate", str(std::to_string(p.last_update)));
  if (wants(extras, "date_taken")) {
    n.attr("datetaken", str(mysql_datetime(p.date_taken)));
    n.attr("datetakengranularity", str(std::to_string(p.taken_granularity)));
    n.attr("datetakenunknown", str(p.taken_unknown ? "1" : "0"));
  }
  if (wants(extras, "owner_name")) n.attr("ownername", str(others ? p.owner_name : kUsername));
  if (wants(extras, "icon_server")) n.attr("iconserver", str("0")).attr("iconfarm", num(0));
  if (wants(extras, "original_format") && p.original_allowed) {
    n.attr("originalsecret", str(p.original_secret));
    n.attr("originalformat", str(p.original_format));
  }
  if (wants(extras, "o_dims") && p.original_allowed) {
    n.attr("o_width", str(std::to_string(p.o_width)));
    n.attr("o_height", str(std::to_string(p.o_height)));
  }
  if (wants(extras, "views")) n.attr("views", str(std::to_string(p.views)));
  if (wants(extras, "count_comments"))
    n.attr("count_comments", str(std::to_string(p.comments.size())));
  if (wants(extras, "count_faves")) n.attr("count_faves", str(std::to_string(p.faves)));
  if (wants(extras, "tags")) {
    std::vector<std::string> all = p.tags;
    for (const auto& m : p.machine_tags)
      all.push_back(normalised_tag(m));
    n.attr("tags", str(joined(all)));
  }
  if (wants(extras, "machine_tags")) n.attr("machine_tags", str(joined(p.machine_tags)));
  if (wants(extras, "geo")) add_geo(n, p);
  if (wants(extras, "media")) {
    n.attr("media", str(p.is_video ? "video" : "photo")).attr("media_status", str("ready"));
  }
  if (wants(extras, "path_alias")) n.attr("pathalias", str(others ? p.owner_alias : kPathAlias));
  if (wants(extras, "realname")) n.attr("realname", str(others ? p.owner_name : kRealname));
  add_urls(n, ctx.base_url, p, extras);
  return n;
}

}  // namespace flickrfs::emulator
