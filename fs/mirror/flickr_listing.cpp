// See flickr_listing.hpp.
#include "fs/mirror/flickr_listing.hpp"

#include <algorithm>
#include <mutex>
#include <thread>

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

Result<void> list_albums(api::FlickrClient& client, const std::string& who, unsigned jobs,
                         const std::atomic<bool>& interrupt, FlickrCatalog& catalog) {
  FLICKRFS_TRY(auto sets, client.photosets(who));
  ++catalog.listing_calls;
  catalog.albums.resize(sets.size());
  std::vector<Result<api::PhotoWalk>> walks(sets.size(), make_error(Errc::interrupted, "not run"));
  const std::string owner = who == "me" ? std::string() : who;
  parallel_for(sets.size(), jobs, interrupt,
               [&](std::size_t i) { walks[i] = client.all_photoset_photos(sets[i].id, owner); });
  for (std::size_t i = 0; i < sets.size(); ++i) {
    if (!walks[i]) {
      Error error = walks[i].error();
      error.message = "album " + sets[i].id + ": " + error.message;
      return error;
    }
    note_incomplete(catalog, "album " + sets[i].id, *walks[i]);
    catalog.listing_calls += pages_for(*walks[i]);
    catalog.albums[i].set = std::move(sets[i]);
    for (const auto& photo : walks[i]->photos)
      catalog.albums[i].photo_ids.push_back(photo.id);
  }
  return success();
}

// Photos with comments whose cached copy is stale; the others are filled from the cache.
std::vector<const api::Photo*> photos_needing_comments(FlickrCatalog& catalog,
                                                       CommentCache* cache) {
  std::vector<const api::Photo*> wanted;
  for (const auto& photo : catalog.photos) {
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
    wanted.push_back(&photo);
  }
  return wanted;
}

void refresh_cache(const FlickrCatalog& catalog, CommentCache& cache) {
  CommentCache fresh;
  for (const auto& photo : catalog.photos) {
    const auto found = catalog.comments.find(photo.id);
    if (found != catalog.comments.end()) {
      fresh[photo.id] = {photo.last_update, photo.count_comments, found->second};
    }
  }
  cache = std::move(fresh);
}

void list_comments(api::FlickrClient& client, unsigned jobs, const std::atomic<bool>& interrupt,
                   CommentCache* cache, FlickrCatalog& catalog) {
  const auto wanted = photos_needing_comments(catalog, cache);
  std::mutex mutex;
  parallel_for(wanted.size(), jobs, interrupt, [&](std::size_t i) {
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

}  // namespace

void parallel_for(std::size_t count, unsigned jobs, const std::atomic<bool>& stop,
                  const std::function<void(std::size_t)>& fn) {
  std::atomic<std::size_t> next{0};
  const auto worker = [&] {
    for (std::size_t i = next++; i < count && !stop.load(); i = next++)
      fn(i);
  };
  std::vector<std::thread> threads;
  const std::size_t extra = std::min<std::size_t>(std::max(jobs, 1U), count);
  for (std::size_t t = 1; t < extra; ++t)
    threads.emplace_back(worker);
  worker();
  for (auto& thread : threads)
    thread.join();
}

Result<FlickrCatalog> list_flickr_catalog(api::FlickrClient& client, const ListingOptions& options,
                                          const std::atomic<bool>& interrupt) {
  FlickrCatalog catalog;
  FLICKRFS_TRY(const std::string who, client.resolve_user(options.user));
  FLICKRFS_TRY(auto walk, client.all_photos(who));
  note_incomplete(catalog, "the photostream", walk);
  catalog.listing_calls += pages_for(walk);
  catalog.photos = std::move(walk.photos);
  FLICKRFS_CHECK(list_albums(client, who, options.jobs, interrupt, catalog));
  if (options.comments) {
    list_comments(client, options.jobs, interrupt, options.comment_cache, catalog);
    if (options.comment_cache != nullptr) refresh_cache(catalog, *options.comment_cache);
  }
  if (interrupt.load()) return make_error(Errc::interrupted, "interrupted while listing");
  return catalog;
}

}  // namespace flickrfs::mirror
