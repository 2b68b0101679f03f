// See inode.hpp. FNV-1a over the parts (with a separator byte so ("ab","c") != ("a","bc")),
// then a splitmix64 finaliser to spread the bits.
#include "fs/model/inode.hpp"

#include <atomic>

namespace flickrfs::model {

namespace {

std::atomic<Ino> g_ino_mask{~Ino{0}};  // narrow_inos_for_testing()

constexpr std::uint64_t kFnvOffset = 0xcbf29ce484222325ULL;
constexpr std::uint64_t kFnvPrime = 0x100000001b3ULL;
constexpr Ino kFirstFreeIno = 16;

std::uint64_t fnv1a(std::uint64_t hash, std::string_view bytes) {
  for (const char c : bytes) {
    hash ^= static_cast<std::uint8_t>(c);
    hash *= kFnvPrime;
  }
  return hash;
}

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::uint64_t add_part(std::uint64_t hash, std::string_view part) {
  hash = fnv1a(hash, part);
  hash ^= 0xff;  // separator: 0xff never occurs inside UTF-8 text
  return hash * kFnvPrime;
}

Ino finish(std::uint64_t hash, std::uint32_t salt) {
  const Ino mask = g_ino_mask.load(std::memory_order_relaxed);
  Ino ino = splitmix64(hash + salt) & mask;
  while (ino < kFirstFreeIno || in_upload_range(ino))
    ino = splitmix64(ino + 1) & mask;
  return ino;
}

}  // namespace

std::uint64_t ino_hash_prefix(NodeKind kind,
                              std::initializer_list<std::string_view> parts) noexcept {
  std::uint64_t hash = kFnvOffset;
  hash ^= static_cast<std::uint8_t>(kind);
  hash *= kFnvPrime;
  for (const auto part : parts)
    hash = add_part(hash, part);
  return hash;
}

Ino stable_ino_after(std::uint64_t prefix, std::string_view last_part,
                     std::uint32_t salt) noexcept {
  return finish(add_part(prefix, last_part), salt);
}

Ino stable_ino(NodeKind kind, std::initializer_list<std::string_view> parts,
               std::uint32_t salt) noexcept {
  return finish(ino_hash_prefix(kind, parts), salt);
}

void narrow_inos_for_testing(unsigned bits) noexcept {
  g_ino_mask.store(bits == 0 || bits >= 64 ? ~Ino{0} : (Ino{1} << bits) - 1,
                   std::memory_order_relaxed);
}

}  // namespace flickrfs::model
