#pragma once
// The inode numbers a Tree build has handed out, to find hash collisions (Tree::unique_ino).
// Open addressing over a flat array of 8-byte slots: a std::unordered_map of the same
// numbers cost about 40 bytes each (a node and a bucket), 100 MB of a 1,000,000-photo
// build's peak; this costs 16 to 32 bytes each and is freed whole when the build ends.
//
// Thread contract: one thread (the build); not thread-safe.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "fs/model/node.hpp"

namespace flickrfs::model {

class InoSet {
 public:
  // Adds `ino` (never 0: stable_ino() gives 16 and up); false when it was there already.
  bool insert(Ino ino) {
    if ((m_count + 1) * 2 > m_slots.size()) grow();
    Ino& slot = m_slots[find(m_slots, ino)];
    if (slot == ino) return false;
    slot = ino;
    ++m_count;
    return true;
  }
  [[nodiscard]] bool contains(Ino ino) const {
    if (m_slots.empty()) return false;
    return m_slots[find(m_slots, ino)] == ino;
  }
  void clear() {
    std::vector<Ino>().swap(m_slots);
    m_count = 0;
  }

 private:
  // The index of the slot holding `ino`, else of the empty slot where it would go (linear
  // probing; the low bits of a stable_ino() are already well mixed).
  static std::size_t find(const std::vector<Ino>& slots, Ino ino) {
    const std::size_t mask = slots.size() - 1;
    for (std::size_t i = static_cast<std::size_t>(ino) & mask;; i = (i + 1) & mask) {
      if (slots[i] == ino || slots[i] == 0) return i;
    }
  }
  void grow() {
    std::vector<Ino> bigger(m_slots.empty() ? 1024 : m_slots.size() * 2, 0);
    for (const Ino ino : m_slots) {
      if (ino != 0) bigger[find(bigger, ino)] = ino;
    }
    m_slots.swap(bigger);
  }
  std::vector<Ino> m_slots;  // size a power of two; 0 = empty
  std::size_t m_count = 0;
};

}  // namespace flickrfs::model
