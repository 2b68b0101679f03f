// Image byte cache (see image_store.hpp).
#include "image_store.hpp"

#include "images.hpp"
#include "util.hpp"

namespace flickrfs::emulator {

namespace {
constexpr std::size_t kRecentBlobs = 24;
constexpr std::size_t kMaxDigests = 300000;
}  // namespace

void ImageStore::set_original(const std::string& photo_id, std::string bytes) {
  auto blob = std::make_shared<Blob>();
  blob->sha256 = sha256_hex(bytes);
  blob->bytes = std::move(bytes);
  std::lock_guard lock(m_mutex);
  m_originals[photo_id] = std::move(blob);
}

std::shared_ptr<const Blob> ImageStore::blob(const Photo& photo, const SizeSpec& size) {
  {
    std::lock_guard lock(m_mutex);
    if (size.label == "Original") {
      const auto it = m_originals.find(photo.id);
      if (it != m_originals.end()) return it->second;
    }
    for (auto it = m_recent.begin(); it != m_recent.end(); ++it) {
      if (it->first == size.path) {
        m_recent.splice(m_recent.begin(), m_recent, it);
        return it->second;
      }
    }
  }
  auto blob = std::make_shared<Blob>();
  blob->bytes = render_image(ImageRequest{size.format, size.width, size.height, size.target_bytes,
                                          image_seed(m_seed, photo, size)});
  blob->sha256 = sha256_hex(blob->bytes);
  std::lock_guard lock(m_mutex);
  if (m_digests.size() >= kMaxDigests) m_digests.clear();
  m_digests[size.path] = Digest{blob->bytes.size(), blob->sha256};
  m_recent.emplace_front(size.path, blob);
  if (m_recent.size() > kRecentBlobs) m_recent.pop_back();
  return blob;
}

Digest ImageStore::digest(const Photo& photo, const SizeSpec& size) {
  {
    std::lock_guard lock(m_mutex);
    if (size.label == "Original") {
      const auto it = m_originals.find(photo.id);
      if (it != m_originals.end()) return Digest{it->second->bytes.size(), it->second->sha256};
    }
    const auto it = m_digests.find(size.path);
    if (it != m_digests.end()) return it->second;
  }
  const auto b = blob(photo, size);
  return Digest{b->bytes.size(), b->sha256};
}

}  // namespace flickrfs::emulator
