// See memory_policy.hpp.
#include "fs/memory_policy.hpp"

#include <malloc.h>
#include <sys/mman.h>

#include <cstdlib>

namespace flickrfs::fs::memory_policy {

// glibc gives each of up to 8 x cores threads' worth of arenas its own heap; the daemon's
// ~60 threads (FUSE workers, probes, downloads) then keep freed memory spread over many
// fragmented arenas. Two arenas: RSS after `ls -lR` of 20,000 photos 210 -> 132-136 MB
// (one: 124 MB, four: 154 MB). MALLOC_ARENA_MAX in the environment still wins.
//
// A fixed mmap threshold: glibc raises it (up to 32 MB) each time a mmapped block is freed,
// so after the first snapshot swap a snapshot's big arrays and string blocks came from the
// heap, where freed snapshots left holes that stayed resident. Fixed, every block of 128 KB
// or more is its own mapping and goes back to the OS when its snapshot is freed.
void tune_malloc() {
  if (std::getenv("MALLOC_ARENA_MAX") == nullptr) (void)::mallopt(M_ARENA_MAX, 2);
  if (std::getenv("MALLOC_MMAP_THRESHOLD_") == nullptr) {
    (void)::mallopt(M_MMAP_THRESHOLD, 128 * 1024);
  }
}

// glibc keeps freed pages in its arenas unless asked to hand them back: an old snapshot
// (hundreds of MB at 100,000 photos), the requests of a long walk.
void release_free_memory(const cache::lmdb::Env& env) {
  ::malloc_trim(0);
  release_mapped_pages(env);
}

void release_mapped_pages(const cache::lmdb::Env& env) {
  // Without this, every page any scan ever touched stays in the process's RSS: after a
  // 100,000-photo rebuild and `ls -lR`, about 180 MB. Best effort: a failure only leaves
  // the pages mapped.
  env.for_each_mapping(
      [](void* begin, std::size_t length) { (void)::madvise(begin, length, MADV_DONTNEED); });
}

}  // namespace flickrfs::fs::memory_policy
