#pragma once
// Stable inode numbers: a 64-bit hash of what a node *is* (kind plus Flickr ids, and for
// image files the URL, which carries the secret), so the same photo has the same inode on
// every mount, on every machine, without storing a table. A replaced photo gets a new
// secret, hence a new image inode, so the kernel's cached pages of the old bytes are never
// served for the new ones (gcsfuse's generation trick without a generation counter).
//
// Collisions (2^-64 per pair) are detected when a snapshot is built and resolved by
// rehashing with a salt; see tree.cpp.
//
// Thread contract: pure functions; safe from any thread.

#include <cstdint>
#include <initializer_list>
#include <string_view>

#include "fs/model/node.hpp"

namespace flickrfs::model {

// Inodes whose top byte is this tag are numbered by MOUNT/upload/ (fs/upload/upload_area.hpp),
// which tells its own inodes from the tree's by that byte alone.
inline constexpr Ino kUploadInoTag = 0xF7ull << 56;
[[nodiscard]] constexpr bool in_upload_range(Ino ino) noexcept {
  return (ino & (0xFFull << 56)) == kUploadInoTag;
}

// Never returns 0, a value below 16 (reserved for the fixed directories) or one in the
// upload range.
[[nodiscard]] Ino stable_ino(NodeKind kind, std::initializer_list<std::string_view> parts,
                             std::uint32_t salt = 0) noexcept;

// stable_ino() in two steps, for many numbers that share their first parts (a view
// directory's links): stable_ino_after(ino_hash_prefix(kind, {a}), b, salt) is
// stable_ino(kind, {a, b}, salt). A snapshot keeps the prefix instead of every number.
[[nodiscard]] std::uint64_t ino_hash_prefix(NodeKind kind,
                                            std::initializer_list<std::string_view> parts) noexcept;
[[nodiscard]] Ino stable_ino_after(std::uint64_t prefix, std::string_view last_part,
                                   std::uint32_t salt = 0) noexcept;

// Tests only: keeps the low `bits` of every number from now on (0: all 64), so that a small
// tree has collisions for its build to resolve. Set it while no tree is being built.
void narrow_inos_for_testing(unsigned bits) noexcept;

// The fixed directories.
inline constexpr Ino kPhotostreamIno = 2;
inline constexpr Ino kSetsIno = 3;
inline constexpr Ino kSizesIno = 4;  // only with --sizes extras
inline constexpr Ino kTagsIno = 5;   // the view roots (views.hpp)
inline constexpr Ino kByDateIno = 6;
inline constexpr Ino kByUploadIno = 7;
inline constexpr Ino kCollectionsIno = 8;
inline constexpr Ino kFavoritesIno = 9;  // MOUNT/favorites/ (tree.hpp)
// MOUNT/upload/ of a --writable mount (fs/upload/upload_area.hpp); not part of a Tree.
inline constexpr Ino kUploadIno = 15;

}  // namespace flickrfs::model
