// flickr.favorites.getList: the account's favorites, other members' photos, as a standard
// photo list whose items add `date_faved` (flickr-api.md section 5), newest faved first.
#include <algorithm>

#include "rest_api.hpp"

namespace flickrfs::emulator {

namespace {

MethodResult get_list(const CallContext& ctx) {
  const std::string user_id = ctx.has("user_id") ? ctx.param("user_id") : "me";
  // No user_id means the caller's own list, which needs a caller.
  if (user_id == "me" && !ctx.authenticated) return MethodResult::fail(1, "User not found");
  if (!is_owner(ctx, user_id)) return MethodResult::fail(1, "User not found");
  std::int64_t min_faved = INT64_MIN;
  std::int64_t max_faved = INT64_MAX;
  const auto date = [&](const char* key, std::int64_t* out) {
    return !ctx.has(key) || ctx.param(key).empty() || parse_date_arg(ctx.param(key), out);
  };
  if (!date("min_fave_date", &min_faved) || !date("max_fave_date", &max_faved))
    return MethodResult::fail(3, "Not a valid date");
  std::vector<Photo> hits = ctx.world.favorites();
  // A photo its owner made private is no longer anybody else's to see, faved or not.
  std::erase_if(hits, [&](const Photo& p) {
    return p.owner_private || p.date_faved < min_faved || p.date_faved > max_faved;
  });
  const Paging paging = read_paging(ctx, 100);
  const auto total = static_cast<long long>(hits.size());
  const long long pages = (total + paging.per_page - 1) / paging.per_page;
  Node photos("photos");
  // Mixed types as recorded (FX flickr.favorites.getList.1.json): numbers and a string total.
  photos.attr("page", num(paging.page)).attr("pages", num(pages));
  photos.attr("perpage", num(paging.per_page)).attr("total", str(std::to_string(total)));
  auto& list = photos.list("photo");
  const auto extras = read_extras(ctx);
  const long long first = static_cast<long long>(paging.page - 1) * paging.per_page;
  for (long long k = first; k < total && k < first + paging.per_page; ++k) {
    const Photo& p = hits[static_cast<std::size_t>(k)];
    Node item = list_photo(ctx, p, extras, ListKind::Standard);
    item.attr("date_faved", str(std::to_string(p.date_faved)));
    list.items.push_back(std::move(item));
  }
  Node root("");
  root.child(std::move(photos));
  return MethodResult::ok(std::move(root));
}

}  // namespace

std::optional<MethodResult> call_favorites_method(const std::string& method,
                                                  const CallContext& ctx) {
  if (method == "flickr.favorites.getList") return get_list(ctx);
  return std::nullopt;
}

}  // namespace flickrfs::emulator
