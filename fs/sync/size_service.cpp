// SizeService (see size_service.hpp).
#include "fs/sync/size_service.hpp"

#include "fs/log.hpp"

namespace flickrfs::fs {

namespace {

// The secret inside an image URL ".../<id>_<secret>[_<suffix>].<ext>": sizes from 1600 px up
// and the original each have their own (flickr-api.md section 7). Falls back to the photo's
// shared secret for URLs of another shape (video streams).
std::string content_secret(const model::PhotoCoreRef& photo, std::string_view url) {
  const auto query = url.find_first_of("?#");
  if (query != std::string_view::npos) url = url.substr(0, query);
  const auto slash = url.rfind('/');
  std::string_view name = slash == std::string_view::npos ? url : url.substr(slash + 1);
  const std::string prefix = std::string(photo.id) + "_";
  if (!name.starts_with(prefix)) return std::string(photo.secret);
  name.remove_prefix(prefix.size());
  const auto end = name.find_first_of("_.");
  const std::string_view secret = name.substr(0, end);
  return std::string(secret.empty() ? photo.secret : secret);
}

std::string size_key(const cache::BlobKey& key) {
  return key.record_key();
}

}  // namespace

SizeService::SizeService(api::FlickrClient* client, cache::MetaStore& meta, cache::BlobStore& blobs,
                         Connectivity& connectivity, api::WorkQueue& queue, unsigned probe_threads)
    : m_client(client),
      m_meta(meta),
      m_blobs(blobs),
      m_connectivity(connectivity),
      m_resolver(queue, probe_threads) {}

bool SizeService::online() const {
  return m_client != nullptr && !m_connectivity.offline();
}

cache::BlobKey SizeService::blob_key(const model::PhotoRecord& record,
                                     const model::PhotoFile& file) {
  return {std::string(record.photo.id), content_secret(record.photo, file.choice.url()),
          std::string(file.choice.label)};
}

std::optional<std::uint64_t> SizeService::stored_size(const model::PhotoRecord& record,
                                                      const model::PhotoFile& file) const {
  const cache::BlobKey key = blob_key(record, file);
  const auto remote = m_meta.remote_size(key.photo_id, key.label, key.secret);
  if (remote.ok() && remote->has_value()) return (*remote)->bytes;
  const auto blob = m_blobs.record(key);
  if (blob.ok() && blob->has_value()) return (*blob)->size;
  return m_resolver.answered(size_key(key));  // probed, its write still queued
}

SizeService::SizeProbe SizeService::size_probe(const model::PhotoRecord& record,
                                               const model::PhotoFile& file) {
  return {blob_key(record, file), file.choice.url(), file.name()};
}

Result<SizeResolver::Found> SizeService::probe(const SizeProbe& target) {
  if (!online()) return make_error(Errc::offline, "offline: size of " + target.name + " unknown");
  auto probed = m_client->probe_size(target.url);
  if (!probed.ok()) {
    ++m_probe_failures;
    log::info("size of %s unknown: %s", target.name.c_str(), probed.error().describe().c_str());
    m_connectivity.report(probed.error());
    return std::move(probed).error();
  }
  const std::uint64_t bytes = probed->bytes;
  auto keep = [this, key = target.key, size = cache::RemoteSize{bytes, probed->etag}] {
    const auto stored = m_meta.put_remote_size(key.photo_id, key.label, key.secret, size);
    // Not kept: the next mount probes it again; nothing else depends on it.
    if (!stored.ok())
      log::warning("size of %s not stored: %s", key.photo_id.c_str(),
                   stored.error().describe().c_str());
  };
  return SizeResolver::Found{bytes, std::move(keep)};
}

Result<std::uint64_t> SizeService::image_size(const model::PhotoRecord& record,
                                              const model::PhotoFile& file,
                                              std::chrono::milliseconds bound) {
  if (const auto known = stored_size(record, file)) return *known;
  if (!online()) {
    return make_error(Errc::offline, "offline: size of " + file.name() + " unknown");
  }
  // The probe owns its strings: it may outlive this call (and the snapshot) when the bound hits.
  auto target = size_probe(record, file);
  const std::string key = size_key(target.key);
  return m_resolver.resolve(
      key, [this, target = std::move(target)] { return probe(target); }, bound);
}

void SizeService::prefetch(const model::PhotoRecord& record) {
  for (const auto& f : record.files) {
    if (stored_size(record, f)) continue;
    auto target = size_probe(record, f);
    const std::string key = size_key(target.key);
    m_resolver.prefetch(key, [this, target = std::move(target)] { return probe(target); });
  }
}

}  // namespace flickrfs::fs
