// See cache_feed.hpp.
#include "fs/sync/cache_feed.hpp"

#include <algorithm>
#include <span>

#include "fs/memory_policy.hpp"

namespace flickrfs::fs {

namespace {

constexpr std::size_t kBatch = 1000;

}  // namespace

CacheFeed::CacheFeed(const cache::MetaStore& meta, std::vector<std::string> ids,
                     model::TreeOptions options, PendingFn pending,
                     std::shared_ptr<const cache::WrittenPhotos::Ids> changed)
    : m_meta(meta),
      m_ids(std::move(ids)),
      m_options(std::move(options)),
      m_pending(std::move(pending)),
      m_changed(std::move(changed)) {}

bool CacheFeed::skip_unchanged(const model::PhotoChunk& chunk) {
  if (!m_changed || m_error || m_out_of_order) return false;
  const std::size_t at = m_read - (m_batch.size() - m_batch_next);  // the next id's position
  const std::size_t count = chunk.size();
  if (count == 0 || m_ids.size() - at < count) return false;
  for (std::size_t k = 0; k < count; ++k) {
    const std::string& id = m_ids[at + k];
    if (id != chunk.text_of(chunk.records[k].id) || m_changed->count(id) != 0) return false;
  }
  const model::PhotoRecord first = chunk.record(0);
  if (m_started &&
      model::upload_before(first.photo.date_upload, first.photo.id, m_last_upload, m_last_id))
    return false;
  m_started = true;
  const model::PhotoRecord last = chunk.record(count - 1);
  m_last_upload = last.photo.date_upload;
  m_last_id = last.photo.id;
  m_read = at + count;  // what the batch held beyond the chunk is read again
  m_batch.clear();
  m_batch_next = 0;
  return true;
}

bool CacheFeed::fill_batch() {
  m_batch.clear();
  m_batch_next = 0;
  if (m_read >= m_ids.size()) {
    // The build goes on to the albums and indexes, the largest part of its peak; the ids
    // (32 bytes each) are not needed any more.
    std::vector<std::string>().swap(m_ids);
    m_read = 0;  // of none: nothing is left to read or skip
    return false;
  }
  (void)memory_policy::bound_mapped_pages(*m_meta.env());
  const std::size_t count = std::min(kBatch, m_ids.size() - m_read);
  auto photos = m_meta.photos(std::span(m_ids).subspan(m_read, count));
  if (!photos.ok()) {
    m_error = std::move(photos).error();
    return false;
  }
  m_read += count;
  m_batch = std::move(photos).value();
  return true;
}

bool CacheFeed::next(model::FeedPhoto& out) {
  for (;;) {
    if (m_error || m_out_of_order) return false;
    if (m_batch_next == m_batch.size() && !fill_batch()) return false;
    auto& cached = m_batch[m_batch_next++];
    if (!cached) continue;  // listed but never stored: not shown
    ++m_photos_read;
    api::Photo& photo = cached->photo;
    if (m_started && model::upload_before(photo.date_upload, photo.id, m_last_upload, m_last_id)) {
      m_out_of_order = true;
      return false;
    }
    m_started = true;
    m_last_upload = photo.date_upload;
    m_last_id = photo.id;
    if (m_owner.empty()) m_owner = photo.owner;  // album.json's URL
    out.sizes_pending = m_pending && m_pending(*cached);
    model::Tree::strip_for_build(photo, m_options);
    out.photo = std::move(photo);
    cached.reset();
    return true;
  }
}

Result<std::vector<std::string>> CacheFeed::sorted_ids(const cache::MetaStore& meta,
                                                       std::vector<std::string> ids) {
  std::vector<std::pair<std::int64_t, std::string>> keyed;
  keyed.reserve(ids.size());
  for (std::size_t begin = 0; begin < ids.size(); begin += kBatch) {
    const auto batch = std::span(ids).subspan(begin, std::min(kBatch, ids.size() - begin));
    FLICKRFS_TRY(auto photos, meta.photos(batch));
    for (std::size_t i = 0; i < batch.size(); ++i) {
      // A photo not stored keeps a place (it is skipped when read); any upload date will do.
      keyed.emplace_back(photos[i] ? photos[i]->photo.date_upload : 0, std::move(batch[i]));
    }
  }
  std::vector<std::string>().swap(ids);
  std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) {
    return model::upload_before(a.first, a.second, b.first, b.second);
  });
  std::vector<std::string> out;
  out.reserve(keyed.size());
  for (auto& entry : keyed)
    out.push_back(std::move(entry.second));
  memory_policy::release_mapped_pages(*meta.env());
  return out;
}

}  // namespace flickrfs::fs
