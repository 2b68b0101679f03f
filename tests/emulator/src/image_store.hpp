#pragma once
// Generated image bytes with their sha256, keyed by URL path (the path names the photo,
// size and secret, so a replaced photo gets new keys). Keeps the last few blobs for repeated
// and ranged reads, and every digest computed (bounded) so manifests and ETags stay cheap.
//
// Thread contract: thread-safe (one mutex around the caches; generation happens outside it).

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "sizes.hpp"
#include "world.hpp"

namespace flickrfs::emulator {

struct Blob {
  std::string bytes;
  std::string sha256;
};

struct Digest {
  std::uint64_t size = 0;
  std::string sha256;
};

class ImageStore {
 public:
  explicit ImageStore(std::uint64_t world_seed) : m_seed(world_seed) {}

  std::shared_ptr<const Blob> blob(const Photo& photo, const SizeSpec& size);
  Digest digest(const Photo& photo, const SizeSpec& size);
  // Uploaded (or replacing) bytes: served as the photo's Original size from now on; the
  // smaller sizes stay generated.
  void set_original(const std::string& photo_id, std::string bytes);

 private:
  std::uint64_t m_seed;
  std::mutex m_mutex;
  std::list<std::pair<std::string, std::shared_ptr<const Blob>>> m_recent;  // front = newest
  std::unordered_map<std::string, Digest> m_digests;
  std::unordered_map<std::string, std::shared_ptr<const Blob>> m_originals;  // by photo id
};

}  // namespace flickrfs::emulator
