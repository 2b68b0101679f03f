// See flickr_client.hpp: the typed Flickr methods and the page walker.
#include <algorithm>
#include <type_traits>
#include <unordered_set>

#include "api/flickr_client.hpp"
#include "api/flickr_client_impl.hpp"
#include "api/parse/people.hpp"
#include "api/parse/photo_detail.hpp"
#include "api/parse/photos.hpp"
#include "api/parse/photosets.hpp"

namespace flickrfs::api {

namespace {

std::string clamp_per_page(int per_page) {
  return std::to_string(std::clamp(per_page, 1, kMaxPerPage));
}

bool is_me(const std::string& user) {
  return user.empty() || user == "me";
}

// One pass over every page, in `order`; `stable` when total and pages did not change during
// it.
template <class Item>
struct WalkPass {
  std::vector<Item> photos;  // each id once, server order
  std::int64_t total = 0;
  bool stable = true;
};

template <class Item>
Result<WalkPass<Item>> walk_once(const FlickrClient::PageFetcher& fetch_page,
                                 const FlickrClient::PageObserver& on_page, PageOrder order) {
  WalkPass<Item> pass;
  std::unordered_set<std::string> seen;
  int pages = 1;
  const auto read = [&](int page) -> Result<void> {
    FLICKRFS_TRY(PhotoPage result, fetch_page(page));
    if (on_page) FLICKRFS_CHECK(on_page(result));
    if (page > 1 && (result.total != pass.total || result.pages != pages)) pass.stable = false;
    pages = result.pages;  // re-read: the listing may grow or shrink while we walk
    pass.total = result.total;
    for (auto& photo : result.photos) {
      if (photo.id.empty() || !seen.insert(photo.id).second) continue;
      if constexpr (std::is_same_v<Item, PhotoKey>) {  // a key walk: the observer stored it
        pass.photos.push_back({std::move(photo.id), photo.date_upload});
      } else {
        pass.photos.push_back(std::move(photo));
      }
    }
    return success();
  };
  FLICKRFS_CHECK(read(1));
  if (order == PageOrder::first_to_last) {
    for (int page = 2; page <= pages; ++page)
      FLICKRFS_CHECK(read(page));
  } else {
    // From the last page as page 1 counted them; a count that changes meanwhile makes the
    // pass unstable (read() compares every page's), and another pass covers what moved.
    for (int page = pages; page >= 2; --page)
      FLICKRFS_CHECK(read(page));
  }
  return pass;
}

template <class Item>
Result<Walk<Item>> walk_passes(const FlickrClient::PageFetcher& fetch_page, int max_passes,
                               const FlickrClient::PageObserver& on_page,
                               PageOrder order = PageOrder::first_to_last) {
  Walk<Item> walk;
  std::vector<Item> union_photos;  // every id any pass saw, first sighting kept
  std::unordered_set<std::string> union_seen;
  for (int pass = 1; pass <= std::max(1, max_passes); ++pass) {
    FLICKRFS_TRY(WalkPass<Item> result, walk_once<Item>(fetch_page, on_page, order));
    walk.passes = pass;
    walk.reported_total = result.total;
    const bool full = static_cast<std::int64_t>(result.photos.size()) >= result.total;
    if (result.stable && full) {
      walk.photos = std::move(result.photos);  // an exact snapshot of the listing
      walk.complete = true;
      return walk;
    }
    // Merged only when another pass follows: a copy of every photo of a first, complete pass
    // doubled the peak memory of the walk.
    const std::size_t union_before = union_photos.size();
    for (auto& photo : result.photos) {
      if (union_seen.insert(photo.id).second) union_photos.push_back(std::move(photo));
    }
    // A stable but short listing that a second look did not change: Flickr's total counts
    // photos it filters out. Nothing more to find.
    if (result.stable && pass > 1 && union_photos.size() == union_before) break;
  }
  walk.photos = std::move(union_photos);  // never drop what any pass saw
  return walk;
}

template <class T>
using Parser = std::function<Result<T>(std::string_view)>;

Parser<PhotoPage> page_parser(std::string_view method) {
  return [method](std::string_view body) { return parse::photo_page(body, method); };
}

}  // namespace

Result<std::string> FlickrClient::me_or_nsid(const std::string& user, bool need_token) const {
  const Credentials& credentials = m_options.credentials;
  const bool own = is_me(user) || (!credentials.user_nsid.empty() && user == credentials.user_nsid);
  if (!own) return user;
  if (authenticated()) return std::string("me");
  if (!is_me(user)) return user;  // the token owner's NSID without a token: public view
  if (need_token || credentials.user_nsid.empty()) {
    return make_error(Errc::config,
                      "`--user me` needs an OAuth token: run `flickrfs auth`, or pass --user NSID");
  }
  return credentials.user_nsid;
}

Result<std::string> FlickrClient::resolve_user(const std::string& user) {
  if (is_me(user) || user.find('@') != std::string::npos) return me_or_nsid(user, false);
  FLICKRFS_TRY(const User found, find_by_username(user));
  return me_or_nsid(found.nsid, false);
}

Result<PhotoPage> FlickrClient::photos_page(const std::string& user, int page, int per_page) {
  FLICKRFS_TRY(const std::string who, me_or_nsid(user, false));
  const bool own = who == "me";
  const std::string_view method = own ? "flickr.people.getPhotos" : "flickr.people.getPublicPhotos";
  return call<PhotoPage>(method,
                         {{"user_id", who},
                          {"extras", std::string(kPhotoExtras)},
                          {"per_page", clamp_per_page(per_page)},
                          {"page", std::to_string(page)}},
                         false, page_parser(method));
}

Result<PhotoPage> FlickrClient::photoset_photos_page(const std::string& photoset_id,
                                                     const std::string& owner, int page,
                                                     int per_page) {
  static constexpr std::string_view kMethod = "flickr.photosets.getPhotos";
  oauth::Params params = {{"photoset_id", photoset_id},
                          {"extras", std::string(kPhotoExtras)},
                          {"per_page", clamp_per_page(per_page)},
                          {"page", std::to_string(page)}};
  const std::string owner_nsid = is_me(owner) ? m_options.credentials.user_nsid : owner;
  if (!owner_nsid.empty()) params.emplace_back("user_id", owner_nsid);
  return call<PhotoPage>(kMethod, std::move(params), false, page_parser(kMethod));
}

Result<PhotoPage> FlickrClient::recently_updated(std::int64_t min_date, int page, int per_page) {
  static constexpr std::string_view kMethod = "flickr.photos.recentlyUpdated";
  if (!authenticated()) {
    return make_error(Errc::config, "photos.recentlyUpdated needs an OAuth token (flickrfs auth)");
  }
  return call<PhotoPage>(kMethod,
                         {{"min_date", std::to_string(min_date)},
                          {"extras", std::string(kPhotoExtras)},
                          {"per_page", clamp_per_page(per_page)},
                          {"page", std::to_string(page)}},
                         false, page_parser(kMethod));
}

Result<PhotoPage> FlickrClient::favorites_page(const std::string& user, int page, int per_page) {
  static constexpr std::string_view kMethod = "flickr.favorites.getList";
  FLICKRFS_TRY(const std::string who, me_or_nsid(user, false));
  oauth::Params params = {{"extras", std::string(kPhotoExtras)},
                          {"per_page", clamp_per_page(per_page)},
                          {"page", std::to_string(page)}};
  if (who != "me") params.emplace_back("user_id", who);
  return call<PhotoPage>(kMethod, std::move(params), false, page_parser(kMethod));
}

Result<std::vector<Photoset>> FlickrClient::photosets(const std::string& user) {
  FLICKRFS_TRY(const std::string who, me_or_nsid(user, false));
  std::vector<Photoset> all;
  std::unordered_set<std::string> seen;
  int pages = 1;
  for (int page = 1; page <= pages; ++page) {
    oauth::Params params = {{"per_page", clamp_per_page(kMaxPerPage)},
                            {"page", std::to_string(page)}};
    if (who != "me") params.emplace_back("user_id", who);
    FLICKRFS_TRY(const parse::PhotosetPage result,
                 call<parse::PhotosetPage>("flickr.photosets.getList", std::move(params), false,
                                           parse::photoset_list));
    pages = result.pages;
    for (const auto& set : result.photosets) {
      if (seen.insert(set.id).second) all.push_back(set);
    }
  }
  return all;
}

Result<std::vector<Collection>> FlickrClient::collections_tree(const std::string& user) {
  FLICKRFS_TRY(const std::string who, me_or_nsid(user, false));
  oauth::Params params;
  if (who != "me") params.emplace_back("user_id", who);
  return call<std::vector<Collection>>("flickr.collections.getTree", std::move(params), false,
                                       parse::collection_tree);
}

Result<PhotoWalk> FlickrClient::walk_pages(const PageFetcher& fetch_page, int max_passes,
                                           const PageObserver& on_page) {
  return walk_passes<Photo>(fetch_page, max_passes, on_page);
}

Result<KeyWalk> FlickrClient::walk_page_keys(const PageFetcher& fetch_page,
                                             const PageObserver& on_page, int max_passes,
                                             PageOrder order) {
  return walk_passes<PhotoKey>(fetch_page, max_passes, on_page, order);
}

Result<PhotoWalk> FlickrClient::all_photos(const std::string& user) {
  FLICKRFS_TRY(const std::string who, me_or_nsid(user, false));
  return walk_pages([&](int page) { return photos_page(who, page, kMaxPerPage); });
}

Result<KeyWalk> FlickrClient::all_photo_keys(const std::string& user, const PageObserver& on_page,
                                             PageOrder order) {
  FLICKRFS_TRY(const std::string who, me_or_nsid(user, false));
  return walk_page_keys([&](int page) { return photos_page(who, page, kMaxPerPage); }, on_page, 3,
                        order);
}

Result<PhotoWalk> FlickrClient::all_photoset_photos(const std::string& photoset_id,
                                                    const std::string& owner) {
  return walk_pages(
      [&](int page) { return photoset_photos_page(photoset_id, owner, page, kMaxPerPage); });
}

Result<KeyWalk> FlickrClient::all_photoset_keys(const std::string& photoset_id,
                                                const std::string& owner,
                                                const PageObserver& on_page) {
  return walk_page_keys(
      [&](int page) { return photoset_photos_page(photoset_id, owner, page, kMaxPerPage); },
      on_page);
}

Result<PhotoWalk> FlickrClient::all_favorites(const std::string& user) {
  return walk_pages([&](int page) { return favorites_page(user, page, kMaxPerPage); });
}

Result<std::vector<Size>> FlickrClient::sizes(const std::string& photo_id) {
  return call<std::vector<Size>>("flickr.photos.getSizes", {{"photo_id", photo_id}}, false,
                                 parse::photo_sizes);
}

Result<Photo> FlickrClient::info(const std::string& photo_id, const std::string& secret) {
  oauth::Params params = {{"photo_id", photo_id}};
  if (!secret.empty()) params.emplace_back("secret", secret);
  return call<Photo>("flickr.photos.getInfo", std::move(params), false, parse::photo_info);
}

Result<std::vector<Comment>> FlickrClient::comments(const std::string& photo_id) {
  return call<std::vector<Comment>>("flickr.photos.comments.getList", {{"photo_id", photo_id}},
                                    false, parse::photo_comments);
}

Result<Exif> FlickrClient::exif(const std::string& photo_id, const std::string& secret) {
  oauth::Params params = {{"photo_id", photo_id}};
  if (!secret.empty()) params.emplace_back("secret", secret);
  return call<Exif>("flickr.photos.getExif", std::move(params), false, parse::photo_exif);
}

Result<User> FlickrClient::people_info(const std::string& nsid) {
  return call<User>("flickr.people.getInfo", {{"user_id", nsid}}, false, parse::person_info);
}

Result<User> FlickrClient::find_by_username(const std::string& username) {
  static constexpr std::string_view kMethod = "flickr.people.findByUsername";
  return call<User>(kMethod, {{"username", username}}, false,
                    [](std::string_view body) { return parse::user_ref(body, kMethod); });
}

Result<User> FlickrClient::test_login() {
  static constexpr std::string_view kMethod = "flickr.test.login";
  if (!authenticated()) return make_error(Errc::auth, "flickr.test.login needs an OAuth token");
  return call<User>(kMethod, {}, false,
                    [](std::string_view body) { return parse::user_ref(body, kMethod); });
}

Result<TokenInfo> FlickrClient::check_token() {
  if (!authenticated()) return make_error(Errc::auth, "no OAuth token to check");
  // The signed request already carries oauth_token, the method's one argument.
  return call<TokenInfo>("flickr.auth.oauth.checkToken", {}, false, parse::token_info);
}

}  // namespace flickrfs::api
