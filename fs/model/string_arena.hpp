#pragma once
// Bump storage for strings that live as long as one Tree snapshot (its view directories'
// names; the photos' strings are in their chunks, photo_chunk.hpp). As separate std::string
// buffers they would be many small heap blocks, interleaved with whatever the filling thread
// allocated meanwhile, so the freed memory of an old snapshot would stay scattered (and
// resident) across glibc's arenas. Here they sit in a few large blocks that go back to the
// OS as a whole when the snapshot dies.
//
// Views returned by store() stay valid, unchanged, for the life of the arena (blocks are
// never moved or reused). Thread contract: store() during the build only; the views may then
// be read from any thread.

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace flickrfs::model {

class StringArena {
 public:
  static constexpr std::size_t kDefaultBlockSize = std::size_t{1} << 20;

  explicit StringArena(std::size_t block_size = kDefaultBlockSize) : m_block_size(block_size) {}

  [[nodiscard]] std::string_view store(std::string_view text) {
    if (text.empty()) return {};
    if (text.size() > m_left) {
      const std::size_t size = std::max(m_block_size, text.size());
      m_blocks.push_back(std::make_unique_for_overwrite<char[]>(size));
      m_next = m_blocks.back().get();
      m_left = size;
    }
    char* out = m_next;
    std::memcpy(out, text.data(), text.size());
    m_next += text.size();
    m_left -= text.size();
    return {out, text.size()};
  }

 private:
  std::size_t m_block_size;
  std::vector<std::unique_ptr<char[]>> m_blocks;
  char* m_next = nullptr;
  std::size_t m_left = 0;
};

}  // namespace flickrfs::model
