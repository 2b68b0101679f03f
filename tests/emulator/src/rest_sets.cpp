// Album methods: photosets.getList, photosets.getPhotos, collections.getTree.
#include <algorithm>

#include "rest_api.hpp"

namespace flickrfs::emulator {

namespace {

Node photoset_summary(const CallContext& ctx, const Album& a) {
  Node set("photoset");
  int photos = 0;
  int videos = 0;
  for (auto i : a.members)
    (ctx.world.photo(i).is_video ? videos : photos)++;
  const std::optional<Photo> primary =
      a.members.empty() ? std::nullopt : std::optional<Photo>(ctx.world.photo(a.members.front()));
  set.attr("id", str(a.id)).attr("owner", str(kUserNsid)).attr("username", str(kUsername));
  set.attr("primary", str(primary ? primary->id : "0"));
  set.attr("secret", str(primary ? primary->secret : ""));
  set.attr("server", str(primary ? primary->server : "0"));
  set.attr("farm", num(primary ? primary->farm : 0));
  set.attr("count_views", str(std::to_string(a.views))).attr("count_comments", str("0"));
  set.attr("count_photos", num(photos)).attr("count_videos", num(videos));
  set.child(text_node("title", a.title));
  set.child(text_node("description", a.description));
  set.attr("can_comment", num(1));
  set.attr("date_create", str(std::to_string(a.date_create)));
  set.attr("date_update", str(std::to_string(a.date_update)));
  set.attr("photos", num(photos)).attr("videos", num(videos));
  set.attr("visibility_can_see_set", num(1)).attr("needs_interstitial", num(0));
  return set;
}

MethodResult get_list(const CallContext& ctx) {
  const std::string user_id = ctx.has("user_id")  ? ctx.param("user_id")
                              : ctx.authenticated ? std::string(kUserNsid)
                                                  : std::string();
  if (!is_owner(ctx, user_id)) return MethodResult::fail(1, "User not found");
  const auto albums = ctx.world.albums();
  // Without "page", Flickr returns every album in one reply.
  const bool paged = ctx.has("page") || ctx.has("per_page");
  const Paging paging = read_paging(ctx, 500);
  const auto total = static_cast<long long>(albums.size());
  const long long per_page = paged ? paging.per_page : std::max<long long>(total, 1);
  const long long page = paged ? paging.page : 1;
  Node sets("photosets");
  sets.attr("page", num(page)).attr("pages", num((total + per_page - 1) / per_page));
  sets.attr("perpage", num(per_page)).attr("total", num(total)).attr("cancreate", num(1));
  auto& list = sets.list("photoset");
  for (long long k = (page - 1) * per_page; k < total && k < page * per_page; ++k)
    list.items.push_back(photoset_summary(ctx, albums[static_cast<std::size_t>(k)]));
  Node root("");
  root.child(std::move(sets));
  return MethodResult::ok(std::move(root));
}

MethodResult get_photos(const CallContext& ctx) {
  const auto album = ctx.world.album(ctx.param("photoset_id"));
  if (!album) return MethodResult::fail(1, "Photoset not found");
  if (ctx.has("user_id") && !is_owner(ctx, ctx.param("user_id")))
    return MethodResult::fail(2, "User not found");
  std::vector<Photo> shown;
  for (auto i : album->members) {
    Photo p = ctx.world.photo(i);
    if (visible(ctx, p)) shown.push_back(std::move(p));
  }
  const Paging paging = read_paging(ctx, 500);
  const auto total = static_cast<long long>(shown.size());
  Node set("photoset");
  set.attr("id", str(album->id));
  set.attr("primary", str(album->members.empty() ? "0" : photo_id_for(album->members.front())));
  set.attr("owner", str(kUserNsid)).attr("ownername", str(kUsername));
  auto& list = set.list("photo");
  const auto extras = read_extras(ctx);
  const long long first = static_cast<long long>(paging.page - 1) * paging.per_page;
  for (long long k = first; k < total && k < first + paging.per_page; ++k) {
    const Photo& p = shown[static_cast<std::size_t>(k)];
    Node n = list_photo(ctx, p, extras, ListKind::Photoset);
    if (p.index == album->members.front()) {
      for (auto& [key, value] : n.attrs) {
        if (key == "isprimary") value = str("1");
      }
    }
    list.items.push_back(std::move(n));
  }
  set.attr("page", num(paging.page)).attr("per_page", num(paging.per_page));
  set.attr("perpage", num(paging.per_page));
  set.attr("pages", num((total + paging.per_page - 1) / paging.per_page));
  set.attr("title", str(album->title)).attr("total", num(total));
  Node root("");
  root.child(std::move(set));
  return MethodResult::ok(std::move(root));
}

Node collection_node(const CollectionDef& def, const std::vector<Album>& albums) {
  Node c("collection");
  c.attr("id", str(def.id)).attr("title", str(def.title));
  c.attr("description", str(def.description));
  // Defunct since 2014 but still sent (flickr-api.md, collections.getTree).
  c.attr("iconlarge", str("/images/collection_default_l.gif"));
  c.attr("iconsmall", str("/images/collection_default_s.gif"));
  if (!def.set_ids.empty()) {
    auto& list = c.list("set");
    for (const auto& id : def.set_ids) {
      const auto album =
          std::find_if(albums.begin(), albums.end(), [&](const Album& a) { return a.id == id; });
      if (album == albums.end()) continue;
      Node s("set");
      s.attr("id", str(album->id)).attr("title", str(album->title));
      s.attr("description", str(album->description));
      list.items.push_back(std::move(s));
    }
  }
  if (!def.children.empty()) {
    auto& list = c.list("collection");
    for (const auto& child : def.children)
      list.items.push_back(collection_node(child, albums));
  }
  return c;
}

const CollectionDef* find_collection(const std::vector<CollectionDef>& defs,
                                     const std::string& id) {
  for (const auto& def : defs) {
    if (def.id == id) return &def;
    if (const auto* found = find_collection(def.children, id)) return found;
  }
  return nullptr;
}

MethodResult collections_tree(const CallContext& ctx) {
  // user_id defaults to the caller; an anonymous caller must name someone.
  const std::string user_id = ctx.has("user_id")  ? ctx.param("user_id")
                              : ctx.authenticated ? std::string(kUserNsid)
                                                  : std::string();
  if (!is_owner(ctx, user_id)) return MethodResult::fail(1, "User not found");
  const std::string wanted = ctx.param("collection_id");
  const auto albums = ctx.world.albums();
  const auto defs = ctx.world.collections();
  Node collections("collections");
  if (wanted.empty() || wanted == "0") {
    // A user without collections gets an empty object (no "collection" member).
    if (!defs.empty()) {
      auto& list = collections.list("collection");
      for (const auto& def : defs)
        list.items.push_back(collection_node(def, albums));
    }
  } else {
    const CollectionDef* def = find_collection(defs, wanted);
    if (def == nullptr) return MethodResult::fail(2, "Collection not found");
    collections.list("collection").items.push_back(collection_node(*def, albums));
  }
  Node root("");
  root.child(std::move(collections));
  return MethodResult::ok(std::move(root));
}

}  // namespace

std::optional<MethodResult> call_set_method(const std::string& method, const CallContext& ctx) {
  if (method == "flickr.photosets.getList") return get_list(ctx);
  if (method == "flickr.photosets.getPhotos") return get_photos(ctx);
  if (method == "flickr.collections.getTree") return collections_tree(ctx);
  return std::nullopt;
}

}  // namespace flickrfs::emulator
