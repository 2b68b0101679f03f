#pragma once
// An in-process Downloader for the cache tests: serves registered byte strings in chunks,
// counts calls, and can hold a transfer at a byte offset (gate), fail after N bytes, or be
// slow, so single flight, partial reads, errors and crashes can be driven deterministically.
//
// Thread contract: thread-safe (download() runs on the blob store's workers).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "cache/downloader.hpp"

namespace flickrfs::test {

// Deterministic content: `size` bytes derived from `seed`.
inline std::string make_content(std::size_t size, unsigned seed) {
  std::string out(size, '\0');
  std::uint32_t x = seed * 2654435761u + 1;
  for (auto& c : out) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c = static_cast<char>(x & 0xff);
  }
  return out;
}

class FakeDownloader : public cache::Downloader {
 public:
  void add(const std::string& url, std::string content) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_content[url] = std::move(content);
  }
  // Transfers stop before byte `offset` until open_gate().
  void close_gate_at(std::uint64_t offset) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_gate = offset;
  }
  void open_gate() {
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      m_gate.reset();
    }
    m_gate_changed.notify_all();
  }
  // The next transfers fail with `error` once `after_bytes` bytes were delivered.
  void fail_after(std::uint64_t after_bytes, Errc code) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_fail_after = after_bytes;
    m_fail_code = code;
  }
  void set_chunk_delay(std::chrono::microseconds delay) { m_delay = delay; }
  void set_chunk_size(std::size_t size) { m_chunk = size; }
  [[nodiscard]] int calls() const { return m_calls.load(); }
  // Bytes delivered to sinks so far.
  [[nodiscard]] std::uint64_t delivered() const { return m_delivered.load(); }

  Result<cache::DownloadMeta> download(
      const std::string& url, std::uint64_t offset,
      const std::function<Result<void>(std::string_view chunk)>& sink,
      const std::atomic<bool>* cancel, const std::function<Result<void>()>& /*rewind*/) override {
    m_calls += 1;
    std::string content;
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      auto it = m_content.find(url);
      if (it == m_content.end()) return make_error(Errc::not_found, "no such url " + url);
      content = it->second;
    }
    std::uint64_t sent_here = 0;
    for (std::uint64_t pos = offset; pos < content.size();) {
      if (cancel && *cancel) return make_error(Errc::interrupted, "cancelled");
      {
        std::unique_lock<std::mutex> lock(m_mutex);
        m_gate_changed.wait_for(lock, std::chrono::seconds(30),
                                [&] { return !m_gate || pos < *m_gate || (cancel && *cancel); });
        if (m_fail_after && sent_here >= *m_fail_after) {
          m_fail_after.reset();
          return make_error(m_fail_code, "injected failure");
        }
      }
      std::size_t n = std::min<std::uint64_t>(m_chunk, content.size() - pos);
      {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (m_gate && pos + n > *m_gate) n = static_cast<std::size_t>(*m_gate - pos);
      }
      if (n == 0) continue;
      if (m_delay.count() > 0) std::this_thread::sleep_for(m_delay);
      FLICKRFS_CHECK(sink(std::string_view(content).substr(pos, n)));
      pos += n;
      sent_here += n;
      m_delivered += n;
    }
    return cache::DownloadMeta{content.size(), "\"etag-" + std::to_string(content.size()) + "\"",
                               ""};
  }

 private:
  std::mutex m_mutex;
  std::condition_variable m_gate_changed;
  std::map<std::string, std::string> m_content;
  std::optional<std::uint64_t> m_gate;
  std::optional<std::uint64_t> m_fail_after;
  Errc m_fail_code = Errc::network;
  std::chrono::microseconds m_delay{0};
  std::size_t m_chunk = 4096;
  std::atomic<int> m_calls{0};
  std::atomic<std::uint64_t> m_delivered{0};
};

}  // namespace flickrfs::test
