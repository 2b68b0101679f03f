// See flickr_listing.hpp.
#include "fs/mirror/flickr_listing.hpp"

#include <algorithm>
#include <mutex>
#include <thread>
#include <unordered_set>

#include "api/work_queue.hpp"
#include "fs/model/exif_json.hpp"
#include "fs/sync/parallel_for.hpp"
#include "fs/sync/video_streams.hpp"

namespace flickrfs::mirror {

namespace {

void note_incomplete(FlickrCatalog& catalog, const std::string& what, const api::PhotoWalk& walk) {
  if (walk.complete) return;
  if (catalog.complete) {
    catalog.incomplete_reason = what + " returned " + std::to_string(walk.photos.size()) + " of " +
                                std::to_string(walk.reported_total) + " photos";
  }
  catalog.complete = false;
}

std::size_t pages_for(const api::PhotoWalk& walk) {
  const auto total = std::max<std::size_t>(walk.photos.size(), 1);
  return (total + api::kMaxPerPage - 1) / api::kMaxPerPage * static_cast<std::size_t>(walk.passes);
}

using PageFn = std::function<Result<api::PhotoPage>(int page)>;
using CarefulWalkFn = std::function<Result<api::PhotoWalk>()>;

// Page 1, then pages 2..N at once (a 2,000-photo stream costs two round trips, not four).
// A listing that changed while it was read (another total or page count on some page, or
// fewer distinct ids than the total) is read again by the client's sequential walker, which
// makes further passes and never drops an id any pass saw.
Result<api::PhotoWalk> walk_in_parallel(api::WorkQueue& queue, const PageFn& fetch_page,
                                        const CarefulWalkFn& careful, unsigned jobs,
                                        const std::atomic<bool>& interrupt, std::size_t& calls) {
  FLICKRFS_TRY(api::PhotoPage first, fetch_page(1));
  const std::size_t more = first.pages > 1 ? static_cast<std::size_t>(first.pages - 1) : 0;
  std::vector<Result<api::PhotoPage>> rest(more, make_error(Errc::interrupted, "interrupted"));
  fs::parallel_for(queue, more, jobs, interrupt,
                   [&](std::size_t i) { rest[i] = fetch_page(static_cast<int>(i) + 2); });
  calls += 1 + more;
  api::PhotoWalk walk;
  walk.passes = 1;
  walk.reported_total = first.total;
  bool stable = true;
  std::unordered_set<std::string> seen;
  const auto add = [&](api::PhotoPage& page) {
    if (page.total != first.total || page.pages != first.pages) stable = false;
    for (auto& photo : page.photos) {
      if (!photo.id.empty() && seen.insert(photo.id).second)
        walk.photos.push_back(std::move(photo));
    }
  };
  add(first);
  for (auto& page : rest) {
    if (!page) return std::move(page).error();
    add(*page);
  }
  walk.complete = stable && static_cast<std::int64_t>(walk.photos.size()) >= first.total;
  if (walk.complete) return walk;
  FLICKRFS_TRY(api::PhotoWalk again, careful());
  calls += pages_for(again);
  return again;
}

Result<void> list_albums(api::WorkQueue& queue, api::FlickrClient& client, const std::string& who,
                         unsigned jobs, const std::atomic<bool>& interrupt,
                         FlickrCatalog& catalog) {
  FLICKRFS_TRY(auto sets, client.photosets(who));
  ++catalog.listing_calls;
  // collections/ (one call). Its failure does not stop the copy; it makes the listing
  // incomplete, so --delete does not remove the collections a failed call could not show.
  auto collections = client.collections_tree(who);
  ++catalog.listing_calls;
  if (collections) {
    catalog.collections = std::move(collections).value();
  } else {
    catalog.complete = false;
    catalog.incomplete_reason = "collections: " + collections.error().describe();
  }
  catalog.albums.resize(sets.size());
  std::vector<Result<api::PhotoWalk>> walks(sets.size(), make_error(Errc::interrupted, "not run"));
  std::vector<std::size_t> calls(sets.size(), 0);
  const std::string owner = who == "me" ? std::string() : who;
  // Few albums: each reads its pages in parallel; many: the albums themselves are parallel.
  const unsigned page_jobs = sets.size() < jobs ? jobs : 1;
  fs::parallel_for(queue, sets.size(), jobs, interrupt, [&](std::size_t i) {
    const std::string& id = sets[i].id;
    walks[i] = walk_in_parallel(
        queue, [&](int page) { return client.photoset_photos_page(id, owner, page); },
        [&] { return client.all_photoset_photos(id, owner); }, page_jobs, interrupt, calls[i]);
  });
  for (std::size_t i = 0; i < sets.size(); ++i) {
    if (!walks[i]) {
      Error error = walks[i].error();
      error.message = "album " + sets[i].id + ": " + error.message;
      return error;
    }
    note_incomplete(catalog, "album " + sets[i].id, *walks[i]);
    catalog.listing_calls += calls[i];
    catalog.albums[i].set = std::move(sets[i]);
    for (const auto& photo : walks[i]->photos)
      catalog.albums[i].photo_ids.push_back(photo.id);
  }
  return success();
}

// The photostream's photos, then the favorites: both show info.json and exif.json.
std::vector<const api::Photo*> listed_photos(const FlickrCatalog& catalog) {
  std::vector<const api::Photo*> out;
  out.reserve(catalog.photos.size() + catalog.favorites.size());
  for (const auto& photo : catalog.photos)
    out.push_back(&photo);
  for (const auto& photo : catalog.favorites)
    out.push_back(&photo);
  return out;
}

// Photos with comments whose cached copy is stale; the others are filled from the last
// run's cache or the mount's.
std::vector<const api::Photo*> photos_needing_comments(FlickrCatalog& catalog,
                                                       const ListingOptions& options) {
  CommentCache* cache = options.comment_cache;
  std::vector<const api::Photo*> wanted;
  for (const api::Photo* listed : listed_photos(catalog)) {
    const api::Photo& photo = *listed;
    if (photo.count_comments <= 0) continue;
    if (cache != nullptr) {
      const auto hit = cache->find(photo.id);
      if (hit != cache->end() && hit->second.last_update == photo.last_update &&
          hit->second.count == photo.count_comments) {
        catalog.comments[photo.id] = hit->second.comments;
        ++catalog.comments_from_cache;
        continue;
      }
    }
    if (options.mount_comments) {
      if (auto known = options.mount_comments(photo)) {
        catalog.comments[photo.id] = std::move(*known);
        ++catalog.comments_from_mount;
        continue;
      }
    }
    wanted.push_back(&photo);
  }
  return wanted;
}

void refresh_cache(const FlickrCatalog& catalog, CommentCache& cache) {
  CommentCache fresh;
  for (const api::Photo* listed : listed_photos(catalog)) {
    const api::Photo& photo = *listed;
    const auto found = catalog.comments.find(photo.id);
    if (found != catalog.comments.end()) {
      fresh[photo.id] = {photo.last_update, photo.count_comments, found->second};
    }
  }
  cache = std::move(fresh);
}

void list_comments(api::WorkQueue& queue, api::FlickrClient& client, unsigned jobs,
                   const std::atomic<bool>& interrupt, const ListingOptions& options,
                   FlickrCatalog& catalog) {
  const auto wanted = photos_needing_comments(catalog, options);
  std::mutex mutex;
  fs::parallel_for(queue, wanted.size(), jobs, interrupt, [&](std::size_t i) {
    auto comments = client.comments(wanted[i]->id);
    const std::lock_guard lock(mutex);
    ++catalog.comment_calls;
    if (comments) {
      catalog.comments[wanted[i]->id] = std::move(comments).value();
    } else {
      catalog.comment_errors[wanted[i]->id] = comments.error().describe();
    }
  });
  for (const auto* photo : wanted) {
    if (catalog.comments.count(photo->id) == 0 && catalog.comment_errors.count(photo->id) == 0) {
      catalog.comment_errors[photo->id] = "interrupted";
    }
  }
}

// --exif: EXIF never changes, so a photo known to the last run or the mount costs nothing.
void list_exif(api::WorkQueue& queue, api::FlickrClient& client, unsigned jobs,
               const std::atomic<bool>& interrupt, const ListingOptions& options,
               FlickrCatalog& catalog) {
  std::vector<const api::Photo*> wanted;
  for (const api::Photo* listed : listed_photos(catalog)) {
    const api::Photo& photo = *listed;
    if (options.exif_cache != nullptr) {
      const auto hit = options.exif_cache->find(photo.id);
      if (hit != options.exif_cache->end()) {
        catalog.exif[photo.id] = hit->second;
        ++catalog.exif_from_cache;
        continue;
      }
    }
    if (options.mount_exif) {
      if (auto known = options.mount_exif(photo)) {
        catalog.exif[photo.id] = std::move(*known);
        ++catalog.exif_from_mount;
        continue;
      }
    }
    wanted.push_back(&photo);
  }
  std::mutex mutex;
  fs::parallel_for(queue, wanted.size(), jobs, interrupt, [&](std::size_t i) {
    auto text = model::exif_json_of(wanted[i]->id, client.exif(wanted[i]->id, wanted[i]->secret));
    const std::lock_guard lock(mutex);
    ++catalog.exif_calls;
    if (text) {
      catalog.exif[wanted[i]->id] = std::move(text).value();
    } else {
      catalog.exif_errors[wanted[i]->id] = text.error().describe();
    }
  });
  for (const auto* photo : wanted) {
    if (catalog.exif.count(photo->id) == 0 && catalog.exif_errors.count(photo->id) == 0) {
      catalog.exif_errors[photo->id] = "interrupted";
    }
  }
  if (options.exif_cache == nullptr) return;
  ExifCache fresh;  // the photos still listed
  for (const api::Photo* listed : listed_photos(catalog)) {
    const api::Photo& photo = *listed;
    const auto found = catalog.exif.find(photo.id);
    if (found != catalog.exif.end()) fresh[photo.id] = found->second;
  }
  *options.exif_cache = std::move(fresh);
}

// Like the mount (fs/sync): a video's streams come from one getSizes; on failure the poster
// from the list extras is served.
void list_video_sizes(api::WorkQueue& queue, api::FlickrClient& client, unsigned jobs,
                      const std::atomic<bool>& interrupt, VideoSizeCache* cache,
                      FlickrCatalog& catalog) {
  std::vector<api::Photo*> wanted;
  for (auto* photos : {&catalog.photos, &catalog.favorites}) {
    for (auto& photo : *photos) {
      if (photo.media != api::Media::video || fs::has_video_stream(photo)) continue;
      if (cache != nullptr) {
        const auto hit = cache->find(photo.id);
        if (hit != cache->end() && hit->second.secret == photo.secret) {
          photo.sizes = hit->second.sizes;
          continue;
        }
      }
      wanted.push_back(&photo);
    }
  }
  std::mutex mutex;
  fs::parallel_for(queue, wanted.size(), jobs, interrupt, [&](std::size_t i) {
    auto sizes = client.sizes(wanted[i]->id);
    const std::lock_guard lock(mutex);
    ++catalog.video_size_calls;
    if (sizes) wanted[i]->sizes = std::move(sizes).value();
  });
  if (cache == nullptr) return;
  VideoSizeCache fresh;
  for (const api::Photo* listed : listed_photos(catalog)) {
    const api::Photo& photo = *listed;
    if (photo.media == api::Media::video && fs::has_video_stream(photo)) {
      fresh[photo.id] = {photo.secret, photo.sizes};
    }
  }
  *cache = std::move(fresh);
}

}  // namespace

Result<FlickrCatalog> list_flickr_catalog(api::FlickrClient& client, const ListingOptions& options,
                                          const std::atomic<bool>& interrupt) {
  FlickrCatalog catalog;
  FLICKRFS_TRY(const std::string who, client.resolve_user(options.user));
  // The helpers of every fan-out below (api/work_queue.hpp): the albums' and videos' --jobs,
  // plus the detail calls', which run at the same time. A mirror run is foreground work.
  const unsigned detail_jobs = std::clamp(options.jobs * 2, 8U, 32U);
  api::WorkQueue queue(2 * options.jobs + detail_jobs, 0);
  FLICKRFS_TRY(auto walk, walk_in_parallel(
                              queue, [&](int page) { return client.photos_page(who, page); },
                              [&] { return client.all_photos(who); }, options.jobs, interrupt,
                              catalog.listing_calls));
  note_incomplete(catalog, "the photostream", walk);
  catalog.photos = std::move(walk.photos);
  // favorites/ (ceil(F/500) calls). Like collections/, its failure does not stop the copy; it
  // makes the listing incomplete, so --delete keeps what a failed walk could not show.
  auto favorites = walk_in_parallel(
      queue, [&](int page) { return client.favorites_page(who, page); },
      [&] { return client.all_favorites(who); }, options.jobs, interrupt, catalog.listing_calls);
  if (favorites) {
    note_incomplete(catalog, "favorites", *favorites);
    catalog.favorites = std::move(favorites->photos);
  } else {
    if (catalog.complete) catalog.incomplete_reason = "favorites: " + favorites.error().describe();
    catalog.complete = false;
  }
  // Albums, video streams and comments are independent of each other: listed at the same
  // time. (Albums are not listed beside the photostream walk: big album pages then delay the
  // photostream's on a busy server, which costs more than the overlap saves.) Comment lists
  // are small, latency-bound calls, so they get more threads than downloads would.
  FlickrCatalog album_part;
  Result<void> albums = success();
  std::thread albums_thread(
      [&] { albums = list_albums(queue, client, who, options.jobs, interrupt, album_part); });
  std::thread videos_thread([&] {
    list_video_sizes(queue, client, options.jobs, interrupt, options.video_sizes, catalog);
  });
  if (options.comments) list_comments(queue, client, detail_jobs, interrupt, options, catalog);
  if (options.exif) list_exif(queue, client, detail_jobs, interrupt, options, catalog);
  videos_thread.join();
  albums_thread.join();
  FLICKRFS_CHECK(albums);
  catalog.albums = std::move(album_part.albums);
  catalog.collections = std::move(album_part.collections);
  catalog.listing_calls += album_part.listing_calls;
  if (!album_part.complete && catalog.complete) {
    catalog.complete = false;
    catalog.incomplete_reason = album_part.incomplete_reason;
  }
  if (options.comments && options.comment_cache != nullptr) {
    refresh_cache(catalog, *options.comment_cache);
  }
  if (interrupt.load()) return make_error(Errc::interrupted, "interrupted while listing");
  return catalog;
}

}  // namespace flickrfs::mirror
