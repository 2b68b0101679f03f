// See parallel_for.hpp.
#include "fs/sync/parallel_for.hpp"

#include <algorithm>
#include <thread>
#include <vector>

namespace flickrfs::fs {

void parallel_for(std::size_t count, unsigned jobs, const std::atomic<bool>& stop,
                  const std::function<void(std::size_t)>& fn) {
  std::atomic<std::size_t> next{0};
  const auto worker = [&] {
    for (std::size_t i = next++; i < count && !stop.load(); i = next++)
      fn(i);
  };
  std::vector<std::thread> threads;
  const std::size_t extra = std::min<std::size_t>(std::max(jobs, 1U), count);
  for (std::size_t t = 1; t < extra; ++t)
    threads.emplace_back(worker);
  worker();
  for (auto& thread : threads)
    thread.join();
}

}  // namespace flickrfs::fs
