// People and login methods: test.login, auth.oauth.checkToken, people.findByUsername,
// people.getInfo, people.getPhotos, people.getPublicPhotos.
#include <algorithm>

#include "rest_api.hpp"

namespace flickrfs::emulator {

namespace {

MethodResult test_login(const CallContext& ctx) {
  if (!ctx.authenticated) return insufficient_permissions();
  Node root("");
  Node user("user");
  user.attr("id", str(kUserNsid)).attr("path_alias", str(kPathAlias));
  user.child(text_node("username", kUsername));
  root.child(std::move(user));
  return MethodResult::ok(std::move(root));
}

MethodResult check_token(const CallContext& ctx) {
  if (!ctx.authenticated) return MethodResult::fail(98, "Invalid auth token");
  Node root("");
  Node oauth("oauth");
  oauth.child(text_node("token", ctx.token));
  oauth.child(text_node("perms", ctx.perms));
  Node user("user");
  user.attr("nsid", str(kUserNsid)).attr("username", str(kUsername));
  user.attr("fullname", str(kRealname));
  oauth.child(std::move(user));
  root.child(std::move(oauth));
  return MethodResult::ok(std::move(root));
}

MethodResult find_by_username(const CallContext& ctx) {
  if (ctx.param("username") != kUsername) return MethodResult::fail(1, "User not found");
  Node root("");
  Node user("user");
  user.attr("id", str(kUserNsid)).attr("nsid", str(kUserNsid));
  user.child(text_node("username", kUsername));
  root.child(std::move(user));
  return MethodResult::ok(std::move(root));
}

MethodResult get_info(const CallContext& ctx) {
  if (!is_owner(ctx, ctx.param("user_id"))) return MethodResult::fail(1, "User not found");
  const auto live = ctx.world.live(!ctx.authenticated);
  Node person("person");
  person.attr("id", str(kUserNsid)).attr("nsid", str(kUserNsid)).attr("ispro", num(0));
  person.attr("is_deleted", num(0)).attr("iconserver", str("0")).attr("iconfarm", num(0));
  person.attr("path_alias", str(kPathAlias)).attr("has_stats", num(0));
  person.child(text_node("username", kUsername));
  person.child(text_node("realname", kRealname));
  person.child(text_node("location", ""));
  person.child(text_node("description", ""));
  person.child(text_node("photosurl", ctx.base_url + "/photos/" + kPathAlias + "/"));
  person.child(text_node("profileurl", ctx.base_url + "/people/" + kPathAlias + "/"));
  Node photos("photos");
  if (!live->empty()) {
    const Photo first = ctx.world.photo(live->front());
    photos.child(text_node("firstdatetaken", mysql_datetime(first.date_taken)));
    photos.child(text_node("firstdate", std::to_string(first.date_upload)));
  }
  photos.child(text_node("count", std::to_string(live->size())));
  person.child(std::move(photos));
  Node root("");
  root.child(std::move(person));
  return MethodResult::ok(std::move(root));
}

struct PhotoFilter {
  std::int64_t min_upload = INT64_MIN;
  std::int64_t max_upload = INT64_MAX;
  std::int64_t min_taken = INT64_MIN;
  std::int64_t max_taken = INT64_MAX;
  int privacy = 0;  // 0 = any; 1 public, 2 friends, 3 family, 4 friends+family, 5 private

  [[nodiscard]] bool needs_scan() const {
    return privacy != 0 || min_taken != INT64_MIN || max_taken != INT64_MAX;
  }
  [[nodiscard]] bool accepts(const Photo& p) const {
    if (p.date_taken < min_taken || p.date_taken > max_taken) return false;
    switch (privacy) {
      case 1:
        return p.is_public;
      case 2:
        return !p.is_public && p.is_friend && !p.is_family;
      case 3:
        return !p.is_public && p.is_family && !p.is_friend;
      case 4:
        return !p.is_public && p.is_friend && p.is_family;
      case 5:
        return !p.is_public && !p.is_friend && !p.is_family;
      default:
        return true;
    }
  }
};

bool read_filter(const CallContext& ctx, PhotoFilter* f) {
  const auto date = [&](const char* key, std::int64_t* out) {
    return !ctx.has(key) || ctx.param(key).empty() || parse_date_arg(ctx.param(key), out);
  };
  std::uint64_t privacy = 0;
  if (parse_uint(ctx.param("privacy_filter"), &privacy) && privacy <= 5)
    f->privacy = static_cast<int>(privacy);
  return date("min_upload_date", &f->min_upload) && date("max_upload_date", &f->max_upload) &&
         date("min_taken_date", &f->min_taken) && date("max_taken_date", &f->max_taken);
}

// Live indices (oldest first) within the upload window: upload dates grow with the index.
std::vector<std::uint32_t> upload_window(const World& world, const World::IndexList& live,
                                         const PhotoFilter& f) {
  const auto upload = [&](std::uint32_t i) { return world.date_upload(i); };
  auto lo = std::partition_point(live->begin(), live->end(),
                                 [&](std::uint32_t i) { return upload(i) < f.min_upload; });
  auto hi = std::partition_point(lo, live->end(),
                                 [&](std::uint32_t i) { return upload(i) <= f.max_upload; });
  return {lo, hi};
}

enum class TotalStyle { StringTotal, AllNumbers };

MethodResult list_user_photos(const CallContext& ctx, bool public_only, TotalStyle style) {
  const std::string user_id = ctx.param("user_id");
  if (user_id.empty()) return MethodResult::fail(1, "Required arguments missing");
  if (user_id == "me" && !ctx.authenticated) return insufficient_permissions();
  if (!is_owner(ctx, user_id)) return MethodResult::fail(2, "Unknown user");
  PhotoFilter filter;
  if (!read_filter(ctx, &filter)) return MethodResult::fail(3, "Not a valid date");
  const bool only_public = public_only || !ctx.authenticated;
  std::vector<std::uint32_t> hits = upload_window(ctx.world, ctx.world.live(only_public), filter);
  if (filter.needs_scan()) {
    std::erase_if(hits, [&](std::uint32_t i) { return !filter.accepts(ctx.world.photo(i)); });
  }
  const Paging paging = read_paging(ctx, 100);
  const auto total = static_cast<long long>(hits.size());
  const long long pages = (total + paging.per_page - 1) / paging.per_page;
  Node photos("photos");
  photos.attr("page", num(paging.page)).attr("pages", num(pages));
  photos.attr("perpage", num(paging.per_page));
  photos.attr("total", style == TotalStyle::StringTotal ? str(std::to_string(total)) : num(total));
  auto& list = photos.list("photo");
  const auto extras = read_extras(ctx);
  const long long first = static_cast<long long>(paging.page - 1) * paging.per_page;
  for (long long k = first; k < total && k < first + paging.per_page; ++k) {
    // Newest upload first, as Flickr lists a photostream.
    const auto index = hits[static_cast<std::size_t>(total - 1 - k)];
    list.items.push_back(list_photo(ctx, ctx.world.photo(index), extras, ListKind::Standard));
  }
  Node root("");
  root.child(std::move(photos));
  return MethodResult::ok(std::move(root));
}

}  // namespace

std::optional<MethodResult> call_people_method(const std::string& method, const CallContext& ctx) {
  if (method == "flickr.test.login") return test_login(ctx);
  if (method == "flickr.auth.oauth.checkToken") return check_token(ctx);
  if (method == "flickr.people.findByUsername") return find_by_username(ctx);
  if (method == "flickr.people.getInfo") return get_info(ctx);
  if (method == "flickr.people.getPhotos")
    return list_user_photos(ctx, false, TotalStyle::StringTotal);
  if (method == "flickr.people.getPublicPhotos")
    return list_user_photos(ctx, true, TotalStyle::AllNumbers);
  return std::nullopt;
}

}  // namespace flickrfs::emulator
