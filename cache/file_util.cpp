// See file_util.hpp.
#include "cache/file_util.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>

namespace flickrfs::cache {

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = std::exchange(other.m_fd, -1);
  }
  return *this;
}

UniqueFd::~UniqueFd() {
  if (m_fd >= 0) ::close(m_fd);
}

struct Sha256::Ctx {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~Ctx() { EVP_MD_CTX_free(ctx); }
};

Sha256::Sha256() : m_ctx(std::make_unique<Ctx>()) {
  EVP_DigestInit_ex(m_ctx->ctx, EVP_sha256(), nullptr);
}

Sha256::~Sha256() = default;

void Sha256::update(std::string_view bytes) {
  EVP_DigestUpdate(m_ctx->ctx, bytes.data(), bytes.size());
}

Sha256Digest Sha256::finish() {
  Sha256Digest digest{};
  unsigned int size = 0;
  EVP_DigestFinal_ex(m_ctx->ctx, digest.data(), &size);
  return digest;
}

std::string to_hex(const Sha256Digest& digest) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::uint8_t byte : digest) {
    out += kHex[byte >> 4];
    out += kHex[byte & 15];
  }
  return out;
}

Result<void> write_all_at(int fd, std::string_view bytes, std::uint64_t offset,
                          const std::string& what) {
  while (!bytes.empty()) {
    ssize_t n = ::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return error_from_errno(errno, "write " + what);
    bytes.remove_prefix(static_cast<std::size_t>(n));
    offset += static_cast<std::uint64_t>(n);
  }
  return success();
}

Result<std::size_t> read_at(int fd, char* out, std::size_t size, std::uint64_t offset,
                            const std::string& what) {
  std::size_t done = 0;
  while (done < size) {
    ssize_t n = ::pread(fd, out + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return error_from_errno(errno, "read " + what);
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  return done;
}

Result<void> fsync_dir(const std::string& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return error_from_errno(errno, "open directory " + dir);
  if (::fsync(fd.get()) != 0) return error_from_errno(errno, "fsync directory " + dir);
  return success();
}

Result<std::pair<Sha256Digest, std::uint64_t>> hash_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return error_from_errno(errno, "open " + path);
  Sha256 sha;
  std::uint64_t total = 0;
  std::string buffer(std::size_t{1} << 16, '\0');
  for (;;) {
    FLICKRFS_TRY(std::size_t n, read_at(fd.get(), buffer.data(), buffer.size(), total, path));
    if (n == 0) break;
    sha.update(std::string_view(buffer.data(), n));
    total += n;
  }
  return std::pair{sha.finish(), total};
}

Result<std::uint64_t> free_bytes(const std::string& path) {
  struct statvfs st {};
  if (::statvfs(path.c_str(), &st) != 0) return error_from_errno(errno, "statvfs " + path);
  return std::uint64_t{st.f_bavail} * std::uint64_t{st.f_frsize};
}

}  // namespace flickrfs::cache
