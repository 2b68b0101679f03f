#pragma once
// The two kinds of open file the catalog hands to fs/ops/read.cpp: an image blob (possibly
// still downloading) and a rendered info.json held in memory.
//
// Thread contract: FUSE may send reads of one handle from several threads at once
// (async_read); BlobFile serializes them on its own mutex because a BlobReader is used by
// one thread at a time. StringFile is immutable.

#include <mutex>
#include <string>

#include "cache/blob_store.hpp"
#include "fs/model/catalog_view.hpp"

namespace flickrfs::fs {

class BlobFile final : public model::OpenFile {
 public:
  BlobFile(cache::BlobReader reader, std::uint64_t size)
      : m_reader(std::move(reader)), m_size(size) {}
  [[nodiscard]] std::uint64_t size() const override { return m_size; }
  [[nodiscard]] Result<std::size_t> read(std::uint64_t offset, std::span<char> out) override;

 private:
  std::mutex m_mutex;  // guards m_reader
  cache::BlobReader m_reader;
  const std::uint64_t m_size;
};

class StringFile final : public model::OpenFile {
 public:
  explicit StringFile(std::string bytes) : m_bytes(std::move(bytes)) {}
  [[nodiscard]] std::uint64_t size() const override { return m_bytes.size(); }
  [[nodiscard]] Result<std::size_t> read(std::uint64_t offset, std::span<char> out) override;

 private:
  const std::string m_bytes;
};

}  // namespace flickrfs::fs
