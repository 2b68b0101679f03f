#pragma once
// Small POSIX helpers of the blob store: an owning file descriptor, full writes and reads
// that retry on EINTR and short counts, directory fsync, free space, and a streaming
// SHA-256 (OpenSSL EVP).
//
// Thread contract: UniqueFd and Sha256 are single-owner values; functions are thread-safe.

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "base/result.hpp"

namespace flickrfs::cache {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : m_fd(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd();

  [[nodiscard]] int get() const { return m_fd; }
  [[nodiscard]] bool valid() const { return m_fd >= 0; }

 private:
  int m_fd = -1;
};

using Sha256Digest = std::array<std::uint8_t, 32>;

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view bytes);
  [[nodiscard]] Sha256Digest finish();

 private:
  struct Ctx;
  std::unique_ptr<Ctx> m_ctx;
};

[[nodiscard]] std::string to_hex(const Sha256Digest& digest);

// pwrite everything at `offset`. ENOSPC/EDQUOT become Errc::no_space.
[[nodiscard]] Result<void> write_all_at(int fd, std::string_view bytes, std::uint64_t offset,
                                        const std::string& what);
// pread up to `size` bytes (fewer only at end of file).
[[nodiscard]] Result<std::size_t> read_at(int fd, char* out, std::size_t size, std::uint64_t offset,
                                          const std::string& what);
[[nodiscard]] Result<void> fsync_dir(const std::string& dir);
// SHA-256 and size of a whole file.
[[nodiscard]] Result<std::pair<Sha256Digest, std::uint64_t>> hash_file(const std::string& path);
// Bytes available to an unprivileged user on the filesystem holding `path`.
[[nodiscard]] Result<std::uint64_t> free_bytes(const std::string& path);

}  // namespace flickrfs::cache
