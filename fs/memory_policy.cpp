// See memory_policy.hpp.
#include "fs/memory_policy.hpp"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
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

namespace {

// The process's file-backed resident bytes (statm's "shared": RssFile + RssShmem); 0 if
// unknown.
std::size_t mapped_file_bytes() {
  std::FILE* statm = std::fopen("/proc/self/statm", "re");
  if (statm == nullptr) return 0;
  unsigned long size = 0;
  unsigned long resident = 0;
  unsigned long shared = 0;
  const int read = std::fscanf(statm, "%lu %lu %lu", &size, &resident, &shared);
  (void)std::fclose(statm);
  if (read != 3) return 0;
  return static_cast<std::size_t>(shared) * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

}  // namespace

bool bound_mapped_pages(const cache::lmdb::Env& env) {
  if (mapped_file_bytes() <= kMappedBound) return false;
  release_mapped_pages(env);
  return true;
}

}  // namespace flickrfs::fs::memory_policy
