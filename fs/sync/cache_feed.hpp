#pragma once
// CacheFeed: the photostream as MetaStore holds it, handed to model::Tree::build one photo at
// a time (model::PhotoFeed). Photos are read in batches of 1,000 in one read txn each and
// stripped to what the tree keeps, and the LMDB pages they touched are handed back every
// 10,000 photos: building the snapshot of 100,000 photos from a list of them held about
// 150 MB of photos and 170 MB of mapped LMDB pages at once, on top of the two snapshots.
//
// The stored photostream is oldest upload first (Refresher::fetch_photostream sorts it), which
// is the order a feed must keep. A feed that meets a photo out of that order stops and says
// so (out_of_order()); sorted_ids() then gives the ids in order for a second feed.
//
// Thread contract: one thread (the rebuild); MetaStore is thread-safe underneath.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "cache/meta_store.hpp"
#include "fs/model/tree.hpp"

namespace flickrfs::fs {

class CacheFeed final : public model::PhotoFeed {
 public:
  // Whether a stored photo's page must count as not listed yet (a video without streams).
  using PendingFn = std::function<bool(const cache::CachedPhoto&)>;
  // `changed`: the ids whose records (or pending state) changed since the snapshot being
  // replaced was built (MetaStore::take_written_photos); null: any may have.
  CacheFeed(const cache::MetaStore& meta, std::vector<std::string> ids, model::TreeOptions options,
            PendingFn pending, std::shared_ptr<const cache::WrittenPhotos::Ids> changed = nullptr);

  [[nodiscard]] std::size_t size_hint() const override { return m_ids.size(); }
  [[nodiscard]] bool next(model::FeedPhoto& out) override;
  [[nodiscard]] std::string owner() const override { return m_owner; }
  [[nodiscard]] bool skip_unchanged(const model::PhotoChunk& chunk) override;
  // Photos read from the cache so far (not those skipped).
  [[nodiscard]] std::size_t photos_read() const { return m_photos_read; }

  // Set when reading stopped on an LMDB error: the snapshot built from it is incomplete.
  [[nodiscard]] const std::optional<Error>& error() const { return m_error; }
  [[nodiscard]] bool out_of_order() const { return m_out_of_order; }
  // `ids` in upload order (repeats kept next to each other), reading only each photo's
  // upload date: 1,000 photos in memory at a time.
  [[nodiscard]] static Result<std::vector<std::string>> sorted_ids(const cache::MetaStore& meta,
                                                                   std::vector<std::string> ids);

 private:
  [[nodiscard]] bool fill_batch();

  const cache::MetaStore& m_meta;
  std::vector<std::string> m_ids;
  model::TreeOptions m_options;
  PendingFn m_pending;
  std::shared_ptr<const cache::WrittenPhotos::Ids> m_changed;
  std::size_t m_photos_read = 0;
  std::vector<std::optional<cache::CachedPhoto>> m_batch;
  std::size_t m_batch_next = 0;
  std::size_t m_read = 0;  // ids read so far
  std::string m_owner;
  std::int64_t m_last_upload = 0;
  std::string m_last_id;
  bool m_started = false;
  bool m_out_of_order = false;
  std::optional<Error> m_error;
};

}  // namespace flickrfs::fs
