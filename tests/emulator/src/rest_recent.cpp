// flickr.photos.recentlyUpdated: the owner's photos updated since min_date, most recently
// updated first, each carrying lastupdate.
#include <algorithm>

#include "rest_api.hpp"

namespace flickrfs::emulator {

MethodResult recently_updated(const CallContext& ctx) {
  if (!ctx.authenticated) return insufficient_permissions();
  if (!ctx.has("min_date") || ctx.param("min_date").empty())
    return MethodResult::fail(1, "Required argument missing");
  std::int64_t min_date = 0;
  if (!parse_date_arg(ctx.param("min_date"), &min_date))
    return MethodResult::fail(2, "Not a valid date");
  std::vector<std::pair<std::int64_t, std::uint32_t>> hits;
  for (auto i : *ctx.world.live(false)) {
    const std::int64_t updated = ctx.world.last_update(i);
    if (updated >= min_date) hits.emplace_back(updated, i);
  }
  std::sort(hits.begin(), hits.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second > b.second;
  });
  const Paging paging = read_paging(ctx, 100);
  const auto total = static_cast<long long>(hits.size());
  Node photos("photos");
  photos.attr("page", num(paging.page));
  photos.attr("pages", str(std::to_string((total + paging.per_page - 1) / paging.per_page)));
  photos.attr("perpage", num(paging.per_page)).attr("total", str(std::to_string(total)));
  auto& list = photos.list("photo");
  auto extras = read_extras(ctx);
  if (std::find(extras.begin(), extras.end(), "last_update") == extras.end())
    extras.emplace_back("last_update");
  const long long first = static_cast<long long>(paging.page - 1) * paging.per_page;
  for (long long k = first; k < total && k < first + paging.per_page; ++k) {
    const Photo p = ctx.world.photo(hits[static_cast<std::size_t>(k)].second);
    list.items.push_back(list_photo(ctx, p, extras, ListKind::Standard));
  }
  Node root("");
  root.child(std::move(photos));
  return MethodResult::ok(std::move(root));
}

}  // namespace flickrfs::emulator
