// See requester.hpp.
#include "fs/thumbnail/requester.hpp"

#include <unistd.h>
#include <algorithm>
#include <array>
#include <climits>

namespace flickrfs::fs::thumbnail {

namespace {

// Shells (a glob lists the directory), listing and search tools, copiers and archivers,
// checksum tools, and flickrfs itself (the mirror). Sorted for binary_search.
constexpr std::array<std::string_view, 43> kBatchTools = {
    "7z",      "7za",       "b2sum",     "bash",        "bsdtar",
    "busybox", "cp",        "cpio",      "dash",        "du",
    "fd",      "fdfind",    "find",      "fish",        "flickrfs",
    "grep",    "install",   "ksh",       "locate",      "ls",
    "md5sum",  "mksh",      "mv",        "plocate",     "rclone",
    "rg",      "rsync",     "scp",       "sftp-server", "sh",
    "sha1sum", "sha256sum", "sha512sum", "stat",        "tar",
    "tcsh",    "tree",      "unison",    "updatedb",    "updatedb.plocate",
    "xargs",   "zip",       "zsh"};
static_assert(std::is_sorted(kBatchTools.begin(), kBatchTools.end()));

}  // namespace

std::string program_of(pid_t pid) {
  if (pid <= 0) return {};
  // /proc/<tid>/exe works for any thread id, and FUSE requests carry the caller's thread id.
  const std::string link = "/proc/" + std::to_string(pid) + "/exe";
  std::array<char, PATH_MAX> target{};
  const ssize_t length = ::readlink(link.c_str(), target.data(), target.size() - 1);
  if (length <= 0) return {};
  std::string_view path(target.data(), static_cast<std::size_t>(length));
  // A replaced executable reads "/usr/bin/cp (deleted)".
  if (path.ends_with(" (deleted)")) path.remove_suffix(sizeof(" (deleted)") - 1);
  const auto slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

bool is_batch_tool(std::string_view program) {
  return std::binary_search(kBatchTools.begin(), kBatchTools.end(), program);
}

}  // namespace flickrfs::fs::thumbnail
