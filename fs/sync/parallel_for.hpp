#pragma once
// parallel_for: fn(0..count-1) on up to `jobs` threads (the caller's included), each index
// once, handed out in order; no new index is handed out once `stop` is set. For fan-outs
// of independent, latency-bound calls (listing pages, albums, comments, getSizes) whose
// client is thread-safe and rate-limited on its own.
//
// Thread contract: blocks until every started fn has returned; fn runs on several threads.

#include <atomic>
#include <cstddef>
#include <functional>

namespace flickrfs::fs {

void parallel_for(std::size_t count, unsigned jobs, const std::atomic<bool>& stop,
                  const std::function<void(std::size_t)>& fn);

}  // namespace flickrfs::fs
