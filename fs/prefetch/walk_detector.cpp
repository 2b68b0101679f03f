// See walk_detector.hpp.
#include "fs/prefetch/walk_detector.hpp"

#include <algorithm>

namespace flickrfs::fs::prefetch {

void WalkDetector::note_listing(std::uint64_t dir, WalkClock::time_point now) {
  DirState& state = m_dirs[dir];
  state.listed = true;
  state.listed_at = now;
  state.last_seen = now;
}

bool WalkDetector::follows(std::uint32_t last, std::uint32_t rank) const {
  return rank > last && rank - last <= 1 + m_options.max_skip;
}

bool WalkDetector::recent(const DirState& state, WalkClock::time_point now) const {
  return state.listed && now - state.listed_at <= m_options.listing_recent;
}

bool WalkDetector::listed_recently(std::uint64_t dir, WalkClock::time_point now) const {
  const auto found = m_dirs.find(dir);
  if (found == m_dirs.end()) return false;
  // A walk under way keeps its album: cp -rL of a big album outlasts listing_recent.
  return recent(found->second, now) || found->second.window > 0;
}

std::size_t WalkDetector::needed_streak(const DirState& state, WalkClock::time_point now) const {
  const std::size_t needed = m_options.confirm_opens;
  return recent(state, now) && needed > 1 ? needed - 1 : needed;
}

WalkAdvice WalkDetector::note_open(const WalkOpen& open, WalkClock::time_point now) {
  DirState& state = m_dirs[open.dir];
  state.last_seen = now;
  if (state.opened && open.ranks == state.last) {
    // Another file of the same photo (info.json, an extra size): the walk stands still.
    return {state.window > 0, state.order, state.last[std::size_t(state.order)] + 1, state.window};
  }
  std::size_t best = 0;
  for (std::size_t o = 0; o < kWalkOrders; ++o) {
    const bool in_order = state.opened && follows(state.last[o], open.ranks[o]);
    state.streak[o] = in_order ? state.streak[o] + 1 : 1;
    if (state.streak[o] > state.streak[best]) best = o;
  }
  state.last = open.ranks;
  state.opened = true;
  const std::size_t needed = needed_streak(state, now);
  if (state.streak[best] < needed || m_options.max_window == 0) {
    state.window = 0;
    return {};
  }
  const auto order = static_cast<WalkOrder>(best);
  if (state.window == 0 || order != state.order) {
    state.window = std::min(m_options.initial_window, m_options.max_window);
  } else {
    state.window = std::min(state.window * 2, m_options.max_window);
  }
  state.order = order;
  return {true, order, open.ranks[best] + 1, state.window};
}

std::vector<std::uint64_t> WalkDetector::expire(WalkClock::time_point now) {
  std::vector<std::uint64_t> ended;
  for (auto it = m_dirs.begin(); it != m_dirs.end();) {
    if (now - it->second.last_seen > m_options.idle_timeout) {
      ended.push_back(it->first);
      it = m_dirs.erase(it);
    } else {
      ++it;
    }
  }
  return ended;
}

std::size_t WalkDetector::walks() const {
  return static_cast<std::size_t>(std::count_if(
      m_dirs.begin(), m_dirs.end(), [](const auto& entry) { return entry.second.window > 0; }));
}

}  // namespace flickrfs::fs::prefetch
