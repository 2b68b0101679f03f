#pragma once
// parallel_for: fn(0..count-1) on up to `jobs` threads (the caller's included), each index
// once, handed out in order; no new index is handed out once `stop` is set. For fan-outs
// of independent, latency-bound calls (listing pages, albums, comments, getSizes) whose
// client is thread-safe and rate-limited on its own. The helpers are up to jobs - 1 tasks on
// `queue` at the caller's api::current_priority().
//
// Never deadlocks on a busy queue (the WorkQueue rule): the caller takes indices itself, so
// with every worker busy, or when the caller is itself a task of `queue` (a nested fan-out),
// it simply does all the work; a helper that starts after the last index is handed out
// returns at once. The caller waits only for indices a helper has already started.
//
// Thread contract: blocks until every started fn has returned; fn runs on several threads.

#include <atomic>
#include <cstddef>
#include <functional>

#include "api/work_queue.hpp"

namespace flickrfs::fs {

void parallel_for(api::WorkQueue& queue, std::size_t count, unsigned jobs,
                  const std::atomic<bool>& stop, const std::function<void(std::size_t)>& fn);

}  // namespace flickrfs::fs
