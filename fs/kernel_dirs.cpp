// See kernel_dirs.hpp.
#include "fs/kernel_dirs.hpp"

#include "fs/model/node.hpp"

namespace flickrfs::fs {

void KernelDirs::note(model::Ino dir) {
  std::lock_guard lock(m_mutex);
  m_dirs.insert(dir);
}

bool KernelDirs::sees(model::Ino dir) const {
  if (dir == model::kRootIno) return true;  // the mount point: never looked up, always held
  std::lock_guard lock(m_mutex);
  return m_dirs.count(dir) != 0;
}

}  // namespace flickrfs::fs
