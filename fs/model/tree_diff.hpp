#pragma once
// What changed between two snapshots, as the kernel invalidations that make the change
// visible without a remount (DESIGN section 4, issue "Freshness"): a removed or renamed
// name gets an entry invalidation in its parent (so does a new name, which may be cached
// as negative), a directory whose listing or a file whose
// content changed gets an inode invalidation. Computed here (pure, unit-tested) and applied
// by fs/invalidator.cpp off the FUSE worker threads.
//
// Thread contract: pure function; safe from any thread.

#include <functional>
#include <string>
#include <vector>

#include "fs/model/node.hpp"
#include "fs/model/tree.hpp"

namespace flickrfs::model {

struct Invalidation {
  enum class Type : std::uint8_t { entry, inode };
  Type type = Type::inode;
  Ino ino = 0;       // inode: the inode; entry: the parent directory
  std::string name;  // entry only
};

// Tells whether the kernel may hold entries of directory `dir` (it was handed the directory
// by a lookup or a readdirplus); null means every directory. The kernel caches nothing under
// a directory it never received, so the diff skips such a directory and what lies in it: at
// the end of a first listing of 100,000 photos that is nearly every page and album, and
// diffing them all took 34 MB at the mount's peak memory.
using KernelSees = std::function<bool(Ino dir)>;

[[nodiscard]] std::vector<Invalidation> diff_trees(const Tree& before, const Tree& after,
                                                   const KernelSees& kernel_sees = nullptr);

}  // namespace flickrfs::model
