// See local_source.hpp.
#include "fs/mirror/local_source.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

namespace flickrfs::mirror {

namespace {

Result<std::string> read_link(const std::string& path, std::size_t expected) {
  std::string target(expected + 1, '\0');
  const ssize_t n = ::readlink(path.c_str(), target.data(), target.size());
  if (n < 0) return error_from_errno(errno, "readlink " + path);
  if (static_cast<std::size_t>(n) > expected) return read_link(path, expected * 2 + 256);
  target.resize(static_cast<std::size_t>(n));
  return target;
}

void mark_incomplete(DesiredTree& tree, const std::string& why) {
  std::fprintf(stderr, "flickrfs mirror: warning: %s\n", why.c_str());
  if (tree.complete) tree.incomplete_reason = why;
  tree.complete = false;
}

SourceEntry entry_from_stat(const std::string& relative, const struct stat& st) {
  SourceEntry entry;
  entry.path = relative;
  entry.mtime = st.st_mtim;
  entry.mode = st.st_mode & 07777;
  entry.order = st.st_mtim.tv_sec;
  return entry;
}

// Appends the children of `relative` (already appended itself), parents first.
void scan_directory(const std::string& root, const std::string& relative, DesiredTree& tree) {
  const std::string dir = join_path(root, relative);
  DIR* handle = ::opendir(dir.c_str());
  if (handle == nullptr) {
    mark_incomplete(tree, "cannot read directory " + dir + ": " + std::strerror(errno));
    return;
  }
  std::vector<std::string> names;
  while (dirent* item = ::readdir(handle)) {
    const std::string_view name = item->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  ::closedir(handle);
  std::sort(names.begin(), names.end());
  for (const auto& name : names) {
    const std::string child = join_path(relative, name);
    const std::string full = join_path(root, child);
    struct stat st {};
    if (::lstat(full.c_str(), &st) != 0) {
      if (errno != ENOENT)
        mark_incomplete(tree, "cannot stat " + full + ": " + std::strerror(errno));
      continue;
    }
    SourceEntry entry = entry_from_stat(child, st);
    if (S_ISREG(st.st_mode)) {
      entry.kind = EntryKind::file;
      entry.size = static_cast<std::uint64_t>(st.st_size);
      entry.content.kind = ContentRef::Kind::local_file;
      entry.content.location = full;
      tree.entries.push_back(std::move(entry));
    } else if (S_ISLNK(st.st_mode)) {
      auto target = read_link(full, static_cast<std::size_t>(std::max<off_t>(st.st_size, 64)));
      if (!target) {
        mark_incomplete(tree, target.error().message);
        continue;
      }
      entry.kind = EntryKind::symlink;
      entry.link_target = std::move(target).value();
      tree.entries.push_back(std::move(entry));
    } else if (S_ISDIR(st.st_mode)) {
      entry.kind = EntryKind::directory;
      tree.entries.push_back(std::move(entry));
      scan_directory(root, child, tree);
    } else {
      std::fprintf(stderr, "flickrfs mirror: skipping special file %s\n", full.c_str());
    }
  }
}

}  // namespace

Result<DesiredTree> scan_local_tree(const std::string& root) {
  struct stat st {};
  if (::stat(root.c_str(), &st) != 0) return error_from_errno(errno, "SRC " + root);
  if (!S_ISDIR(st.st_mode)) {
    return make_error(Errc::invalid_argument, "SRC " + root + " is not a directory");
  }
  DesiredTree tree;
  SourceEntry top = entry_from_stat("", st);  // DEST itself gets SRC's mode and mtime
  top.kind = EntryKind::directory;
  tree.entries.push_back(std::move(top));
  scan_directory(root, "", tree);
  tree.photo_count = static_cast<std::size_t>(
      std::count_if(tree.entries.begin(), tree.entries.end(),
                    [](const SourceEntry& e) { return e.kind == EntryKind::file; }));
  return tree;
}

Result<void> LocalFetcher::fetch(const SourceEntry& entry, AtomicFile& out,
                                 const FetchContext& ctx) {
  const int fd = ::open(entry.content.location.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return error_from_errno(errno, "open " + entry.content.location);
  std::vector<char> buffer(1 << 20);
  Result<void> status = success();
  while (status.ok()) {
    if (ctx.cancelled()) {
      status = make_error(Errc::interrupted, "interrupted");
      break;
    }
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      status = error_from_errno(errno, "read " + entry.content.location);
      break;
    }
    status = out.write(buffer.data(), static_cast<std::size_t>(n));
    ctx.count(static_cast<std::uint64_t>(n));
  }
  ::close(fd);
  FLICKRFS_CHECK(status);
  if (out.bytes_written() != entry.size) {
    return make_error(Errc::io, entry.content.location + " changed size while being copied");
  }
  return success();
}

}  // namespace flickrfs::mirror
