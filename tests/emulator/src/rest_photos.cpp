// Per-photo methods: photos.getInfo, getSizes, getExif, comments.getList, getAllContexts,
// and photos.recentlyUpdated.
#include <algorithm>

#include "rest_api.hpp"
#include "sizes.hpp"

namespace flickrfs::emulator {

namespace {

// The photo named by photo_id if this caller may see it (a matching secret skips the
// permission check, as documented for getInfo). Another member's public photo (a favorite)
// answers like the account's; one its owner made private is not found.
std::optional<Photo> visible_photo(const CallContext& ctx) {
  auto photo = ctx.world.find_image(ctx.param("photo_id"));
  if (!photo || photo->owner_private) return std::nullopt;
  if (!visible(ctx, *photo) && ctx.param("secret") != photo->secret) return std::nullopt;
  return photo;
}

Node owner_node(const Photo& p) {
  Node owner("owner");
  const bool own = p.owner.empty();
  owner.attr("nsid", str(own ? kUserNsid : p.owner));
  owner.attr("username", str(own ? kUsername : p.owner_name));
  owner.attr("realname", str(own ? kRealname : p.owner_name)).attr("location", str(""));
  owner.attr("iconserver", str("0")).attr("iconfarm", num(0));
  owner.attr("path_alias", str(own ? kPathAlias : p.owner_alias));
  return owner;
}

Node tags_node(const Photo& p) {
  Node tags("tags");
  auto& list = tags.list("tag");
  std::vector<std::pair<std::string, bool>> all;
  for (const auto& t : p.tags)
    all.emplace_back(t, false);
  for (const auto& t : p.machine_tags)
    all.emplace_back(t, true);
  int k = 0;
  for (const auto& [raw, machine] : all) {
    Node tag("tag");
    tag.attr("id", str("12345678-" + p.id + "-" + std::to_string(++k)));
    tag.attr("author", str(kUserNsid)).attr("authorname", str(kUsername));
    tag.attr("raw", str(raw)).attr("machine_tag", num(machine ? 1 : 0));
    std::string clean;
    for (char c : raw) {
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) clean += c;
    }
    tag.text(clean);
    list.items.push_back(std::move(tag));
  }
  return tags;
}

Node location_node(const Geo& g) {
  Node loc("location");
  loc.attr("latitude", str(g.latitude)).attr("longitude", str(g.longitude));
  loc.attr("accuracy", str(std::to_string(g.accuracy))).attr("context", str("0"));
  loc.attr("place_id", str(g.place_id)).attr("woeid", str(g.woeid));
  Node locality = text_node("locality", g.locality);
  locality.attr("place_id", str(g.place_id)).attr("woeid", str(g.woeid));
  loc.child(std::move(locality));
  loc.child(text_node("country", g.country));
  return loc;
}

MethodResult get_info(const CallContext& ctx) {
  const auto found = visible_photo(ctx);
  if (!found) return photo_not_found(ctx.param("photo_id"));
  const Photo& p = *found;
  Node photo("photo");
  photo.attr("id", str(p.id)).attr("secret", str(p.secret)).attr("server", str(p.server));
  photo.attr("farm", num(p.farm)).attr("dateuploaded", str(std::to_string(p.date_upload)));
  photo.attr("isfavorite", num(0)).attr("license", str(std::to_string(p.license)));
  photo.attr("safety_level", str(std::to_string(p.safety_level))).attr("rotation", num(0));
  if (p.original_allowed) {
    photo.attr("originalsecret", str(p.original_secret));
    photo.attr("originalformat", str(p.original_format));
  }
  photo.attr("views", str(std::to_string(p.views)));
  photo.attr("media", str(p.is_video ? "video" : "photo"));
  photo.child(owner_node(p));
  photo.child(text_node("title", p.title));
  photo.child(text_node("description", p.description));
  Node visibility("visibility");
  visibility.attr("ispublic", num(p.is_public)).attr("isfriend", num(p.is_friend));
  visibility.attr("isfamily", num(p.is_family));
  photo.child(std::move(visibility));
  Node dates("dates");
  dates.attr("posted", str(std::to_string(p.date_upload)));
  dates.attr("taken", str(mysql_datetime(p.date_taken)));
  dates.attr("takengranularity", str(std::to_string(p.taken_granularity)));
  dates.attr("takenunknown", str(p.taken_unknown ? "1" : "0"));
  dates.attr("lastupdate", str(std::to_string(p.last_update)));
  photo.child(std::move(dates));
  Node usage("usage");
  usage.attr("candownload", num(p.original_allowed)).attr("canblog", num(0));
  usage.attr("canprint", num(0)).attr("canshare", num(1));
  photo.child(std::move(usage));
  photo.child(text_node("comments", std::to_string(p.comments.size())));
  Node notes("notes");
  notes.list("note");
  photo.child(std::move(notes));
  Node people("people");
  people.attr("haspeople", num(0));
  photo.child(std::move(people));
  photo.child(tags_node(p));
  if (p.geo) photo.child(location_node(*p.geo));
  Node urls("urls");
  Node page = text_node("url", photo_page_url(ctx, p));
  page.attr("type", str("photopage"));
  urls.list("url").items.push_back(std::move(page));
  photo.child(std::move(urls));
  if (p.is_video) {
    Node video("video");
    video.attr("ready", num(1)).attr("failed", num(0)).attr("pending", num(0));
    video.attr("duration", str(std::to_string(p.video_duration)));
    video.attr("width", str(std::to_string(p.o_width)));
    video.attr("height", str(std::to_string(p.o_height)));
    photo.child(std::move(video));
  }
  Node root("");
  root.child(std::move(photo));
  return MethodResult::ok(std::move(root));
}

MethodResult get_sizes(const CallContext& ctx) {
  const auto found = visible_photo(ctx);
  if (!found) return photo_not_found(ctx.param("photo_id"));
  Node sizes("sizes");
  sizes.attr("canblog", num(0)).attr("canprint", num(0));
  sizes.attr("candownload", num(found->original_allowed));
  auto& list = sizes.list("size");
  int row = 0;
  for (const auto& s : sizes_for(*found)) {
    Node size("size");
    size.attr("label", str(s.label));
    // The same array mixes numbers and strings in recorded responses (getSizes.1.json).
    const bool as_number = row++ % 3 == 0;
    size.attr("width", as_number ? num(s.width) : str(std::to_string(s.width)));
    size.attr("height", as_number ? num(s.height) : str(std::to_string(s.height)));
    size.attr("source", str(ctx.base_url + s.path));
    size.attr("url", str(photo_page_url(ctx, *found) + "sizes/" + s.page_letter + "/"));
    size.attr("media", str(s.video ? "video" : "photo"));
    list.items.push_back(std::move(size));
  }
  Node root("");
  root.child(std::move(sizes));
  return MethodResult::ok(std::move(root));
}

MethodResult get_exif(const CallContext& ctx) {
  const auto found = visible_photo(ctx);
  if (!found) return photo_not_found(ctx.param("photo_id"));
  if (found->exif_hidden) return MethodResult::fail(2, "Permission denied");
  Node photo("photo");
  photo.attr("id", str(found->id)).attr("secret", str(found->secret));
  photo.attr("server", str(found->server)).attr("farm", num(found->farm));
  const ExifData data = exif_of(*found);
  photo.attr("camera", str(data.camera));
  auto& list = photo.list("exif");
  for (const auto& tag : data.tags) {
    Node exif("exif");
    exif.attr("tagspace", str(tag.tagspace)).attr("tagspaceid", num(tag.tagspaceid));
    exif.attr("tag", str(tag.tag)).attr("label", str(tag.label));
    exif.child(text_node("raw", tag.raw));
    if (!tag.clean.empty()) exif.child(text_node("clean", tag.clean));
    list.items.push_back(std::move(exif));
  }
  Node root("");
  root.child(std::move(photo));
  return MethodResult::ok(std::move(root));
}

MethodResult comments_list(const CallContext& ctx) {
  const auto found = visible_photo(ctx);
  if (!found) return photo_not_found(ctx.param("photo_id"));
  Node comments("comments");
  comments.attr("photo_id", str(found->id));
  if (!found->comments.empty()) {  // no "comment" member at all when there are none
    auto& list = comments.list("comment");
    for (const auto& c : found->comments) {
      Node n = text_node("comment", c.text);
      n.attr("id", str(c.id)).attr("author", str(c.author));
      n.attr("author_is_deleted", num(0)).attr("authorname", str(c.authorname));
      n.attr("iconserver", str("0")).attr("iconfarm", num(0));
      n.attr("datecreate", str(std::to_string(c.date_create)));
      n.attr("permalink", str(photo_page_url(ctx, *found) + "#comment" + c.id));
      n.attr("path_alias", str("")).attr("realname", str(c.authorname));
      list.items.push_back(std::move(n));
    }
  }
  Node root("");
  root.child(std::move(comments));
  return MethodResult::ok(std::move(root));
}

MethodResult all_contexts(const CallContext& ctx) {
  const auto found = visible_photo(ctx);
  if (!found) return photo_not_found(ctx.param("photo_id"));
  Node root("");
  const auto ids = ctx.world.albums_of(found->index);
  if (ids.empty()) return MethodResult::ok(std::move(root));  // just stat:ok
  auto& list = root.list("set");
  for (const auto& id : ids) {
    const auto album = ctx.world.album(id);
    if (!album) continue;
    Node set("set");
    const Photo primary = ctx.world.photo(album->members.front());
    set.attr("title", str(album->title)).attr("id", str(album->id));
    set.attr("primary", str(primary.id)).attr("secret", str(primary.secret));
    set.attr("server", str(primary.server)).attr("farm", num(primary.farm));
    set.attr("view_count", num(album->views)).attr("comment_count", num(0));
    set.attr("count_photo", num(static_cast<long long>(album->members.size())));
    set.attr("count_video", num(0));
    list.items.push_back(std::move(set));
  }
  return MethodResult::ok(std::move(root));
}

// Unknown tickets come back invalid=1, as Flickr answers a mistyped id.
MethodResult check_tickets(const CallContext& ctx) {
  Node root("");
  Node uploader("uploader");
  auto& list = uploader.list("ticket");
  std::string tickets = ctx.param("tickets");
  std::size_t start = 0;
  while (start <= tickets.size() && ctx.tickets != nullptr) {
    const auto comma = tickets.find(',', start);
    const std::string id =
        tickets.substr(start, comma == std::string::npos ? comma : comma - start);
    start = comma == std::string::npos ? tickets.size() + 1 : comma + 1;
    if (id.empty()) continue;
    const auto status = ctx.tickets->check(id);
    Node t("ticket");
    t.attr("id", str(id));
    if (!status.known) {
      t.attr("invalid", num(1));
    } else {
      t.attr("complete", num(status.complete));
      if (status.complete == 1) t.attr("photoid", str(status.photo_id));
    }
    list.items.push_back(std::move(t));
  }
  root.child(std::move(uploader));
  return MethodResult::ok(std::move(root));
}

}  // namespace

MethodResult recently_updated(const CallContext& ctx);  // rest_recent.cpp

std::optional<MethodResult> call_photo_method(const std::string& method, const CallContext& ctx) {
  if (method == "flickr.photos.getInfo") return get_info(ctx);
  if (method == "flickr.photos.getSizes") return get_sizes(ctx);
  if (method == "flickr.photos.getExif") return get_exif(ctx);
  if (method == "flickr.photos.comments.getList") return comments_list(ctx);
  if (method == "flickr.photos.getAllContexts") return all_contexts(ctx);
  if (method == "flickr.photos.recentlyUpdated") return recently_updated(ctx);
  if (method == "flickr.photos.upload.checkTickets") return check_tickets(ctx);
  return std::nullopt;
}

}  // namespace flickrfs::emulator
