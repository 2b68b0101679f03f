#pragma once
// The daemon's process-wide memory policy, in one place. A mount holds one or two Tree
// snapshots of up to 1,000,000 photos, reads MetaStore's LMDB map page by page, and runs
// ~60 threads; left alone, glibc and the kernel keep much of what it freed or read resident.
// Three tweaks keep the RSS near what is live, and this file is the only one that makes them:
//
// - tune_malloc(): glibc's arenas and mmap threshold; the mount calls it once at start;
// - release_free_memory(): glibc hands its free heap back (malloc_trim) and LMDB's mapped
//   pages go too. Called when a replaced snapshot was freed (the rebuild read every photo's
//   record) and every kReleasePeriod by the catalog's background thread;
// - release_mapped_pages(): LMDB's mapped pages leave the process (madvise MADV_DONTNEED);
//   they stay in the kernel's page cache, and the next read maps them again from there.
//   Called during long scans of MetaStore (CacheFeed).
// - bound_mapped_pages(): the same, once the process maps more than kMappedBound of files.
//   Called after each batch of a long scan or of many writes. A page count cannot bound
//   them: the kernel maps a whole large folio of the page cache on a fault (ext4 builds
//   folios of up to megabytes), so one record read at random can map a megabyte. The video
//   streams step of a 1,000,000-photo fill, one record read and written per video, mapped
//   900 MB within 11 s.
//
// Thread contract: thread-safe, except tune_malloc(): once, before any thread starts.

#include <chrono>
#include <cstddef>

#include "cache/lmdb.hpp"

namespace flickrfs::fs::memory_policy {

// info.json renders and size lookups map MetaStore's pages one by one. Every 10 s: the first
// warm `find` or `ls -lR` over 100,000 photos after a fill renders info.json sizes from
// LMDB and mapped 130 MB, which a 60 s period kept resident for up to a minute. Handing
// pages back costs a minor fault per page on the next read (the kernel's page cache keeps
// them). The heap too: an `ls -lR` of 100,000 photos left 217 MB resident, 101 MB once
// trimmed, and without a snapshot swap nothing trimmed it.
inline constexpr std::chrono::seconds kReleasePeriod{10};

void tune_malloc();
void release_free_memory(const cache::lmdb::Env& env);
void release_mapped_pages(const cache::lmdb::Env& env);

inline constexpr std::size_t kMappedBound = std::size_t{64} << 20;
// Releases LMDB's mapped pages when the process's file-backed RSS is over kMappedBound;
// true when it did.
bool bound_mapped_pages(const cache::lmdb::Env& env);

}  // namespace flickrfs::fs::memory_policy
