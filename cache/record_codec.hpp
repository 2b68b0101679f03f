#pragma once
// Compact binary encoding of the records stored in LMDB: LEB128 varints (zigzag for signed),
// length-prefixed strings, and strings stored as "bytes shared with the previous string +
// the rest" (size ladders repeat the same URL prefix 15 times; this keeps a photo well under
// its 2 KB budget). Every record starts with a format byte so a future layout is detected,
// and decoding checks every length against the buffer: a truncated or hostile record gives
// Errc::corrupt, never a read past the end (tests/fuzz/fuzz_photo_record.cpp).
//
// Encoders/decoders for the MetaStore and BlobStore records are declared at the end.
//
// Thread contract: RecordWriter/RecordReader are single-thread values; functions are pure.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "api/types.hpp"
#include "base/result.hpp"

namespace flickrfs::cache {

class RecordWriter {
 public:
  void u8(std::uint8_t value) { m_out.push_back(static_cast<char>(value)); }
  void varint(std::uint64_t value);
  void svarint(std::int64_t value);  // zigzag
  void str(std::string_view value);
  // Stores `value` as (common prefix length with `previous`, rest).
  void delta_str(std::string_view previous, std::string_view value);
  void f64(double value);
  void raw(std::string_view bytes) { m_out.append(bytes); }
  [[nodiscard]] std::string take() { return std::move(m_out); }

 private:
  std::string m_out;
};

class RecordReader {
 public:
  explicit RecordReader(std::string_view in) : m_in(in) {}
  [[nodiscard]] bool ok() const { return m_ok; }
  [[nodiscard]] bool at_end() const { return m_pos == m_in.size(); }
  std::uint8_t u8();
  std::uint64_t varint();
  std::int64_t svarint();
  int int32();  // a varint that must fit an int
  std::string str();
  std::string delta_str(std::string_view previous);
  double f64();
  std::string_view raw(std::size_t size);
  // Caps a count read from the record so a hostile value cannot allocate gigabytes: every
  // element takes at least one byte.
  std::size_t count();

 private:
  void fail() { m_ok = false; }
  std::string_view m_in;
  std::size_t m_pos = 0;
  bool m_ok = true;
};

// ---- records -----------------------------------------------------------------------------

inline constexpr std::uint8_t kPhotoRecordFormat = 1;

struct PhotoRecord {
  api::Photo photo;
  bool has_detail = false;
  std::int64_t detail_last_update = 0;
  bool has_full_sizes = false;
};

[[nodiscard]] std::string encode_photo(const PhotoRecord& record);
[[nodiscard]] Result<PhotoRecord> decode_photo(std::string_view bytes);

[[nodiscard]] std::string encode_sizes(std::span<const api::Size> sizes);
[[nodiscard]] Result<std::vector<api::Size>> decode_sizes(std::string_view bytes);

[[nodiscard]] std::string encode_photoset(const api::Photoset& set);
[[nodiscard]] Result<api::Photoset> decode_photoset(std::string_view bytes);

[[nodiscard]] std::string encode_comments(std::span<const api::Comment> comments);
[[nodiscard]] Result<std::vector<api::Comment>> decode_comments(std::string_view bytes);

// A list of ids (photostream order, album photos, album order, reverse index).
[[nodiscard]] std::string encode_ids(std::span<const std::string> ids);
[[nodiscard]] Result<std::vector<std::string>> decode_ids(std::string_view bytes);

}  // namespace flickrfs::cache
