#pragma once
// KernelDirs: the directories the kernel has received from this mount (a lookup reply or a
// readdirplus entry). A snapshot swap invalidates what the kernel may cache
// (model/tree_diff.hpp), and the kernel caches nothing under a directory it never received,
// so the diff asks here and skips the rest. At the end of a first listing, nearly every
// directory is still unseen.
//
// Conservative by design: a directory stays seen after the kernel forgets it. Forgets come
// without names, and an invalidation the kernel does not need is harmless (ENOENT).
// The ops note a directory before they reply with it, so a diff that runs after the reply
// sees it.
//
// Thread contract: thread-safe. note() runs on FUSE worker threads, sees() on the refresh
// thread's change listener. m_mutex is a leaf.

#include <mutex>
#include <unordered_set>

#include "fs/model/node.hpp"

namespace flickrfs::fs {

class KernelDirs {
 public:
  void note(model::Ino dir);
  [[nodiscard]] bool sees(model::Ino dir) const;

 private:
  mutable std::mutex m_mutex;  // guards m_dirs
  std::unordered_set<model::Ino> m_dirs;
};

}  // namespace flickrfs::fs
