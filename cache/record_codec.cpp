// See record_codec.hpp.
#include "cache/record_codec.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>

namespace flickrfs::cache {

// ---- primitives --------------------------------------------------------------------------

void RecordWriter::varint(std::uint64_t value) {
  while (value >= 0x80) {
    m_out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  m_out.push_back(static_cast<char>(value));
}

void RecordWriter::svarint(std::int64_t value) {
  auto bits = static_cast<std::uint64_t>(value);
  varint((bits << 1) ^ (value < 0 ? ~std::uint64_t{0} : 0));
}

void RecordWriter::str(std::string_view value) {
  varint(value.size());
  m_out.append(value);
}

void RecordWriter::delta_str(std::string_view previous, std::string_view value) {
  auto mismatch = std::mismatch(previous.begin(), previous.end(), value.begin(), value.end());
  auto shared = static_cast<std::size_t>(mismatch.first - previous.begin());
  varint(shared);
  str(value.substr(shared));
}

void RecordWriter::f64(double value) {
  auto bits = std::bit_cast<std::uint64_t>(value);
  for (int i = 0; i < 8; ++i)
    u8(static_cast<std::uint8_t>(bits >> (8 * i)));
}

std::uint8_t RecordReader::u8() {
  if (!m_ok || m_pos >= m_in.size()) {
    fail();
    return 0;
  }
  return static_cast<std::uint8_t>(m_in[m_pos++]);
}

std::uint64_t RecordReader::varint() {
  std::uint64_t value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    std::uint8_t byte = u8();
    if (!m_ok) return 0;
    value |= std::uint64_t{byte & 0x7fu} << shift;
    if ((byte & 0x80) == 0) return value;
  }
  fail();  // more than 10 bytes: not one of ours
  return 0;
}

std::int64_t RecordReader::svarint() {
  std::uint64_t bits = varint();
  return static_cast<std::int64_t>((bits >> 1) ^ (~(bits & 1) + 1));
}

int RecordReader::int32() {
  std::int64_t value = svarint();
  if (value < std::numeric_limits<int>::min() || value > std::numeric_limits<int>::max()) {
    fail();
    return 0;
  }
  return static_cast<int>(value);
}

std::string_view RecordReader::raw(std::size_t size) {
  if (!m_ok || size > m_in.size() - m_pos) {
    fail();
    return {};
  }
  std::string_view out = m_in.substr(m_pos, size);
  m_pos += size;
  return out;
}

std::string RecordReader::str() {
  std::uint64_t size = varint();
  return std::string(raw(static_cast<std::size_t>(std::min<std::uint64_t>(size, SIZE_MAX))));
}

std::string RecordReader::delta_str(std::string_view previous) {
  std::uint64_t shared = varint();
  if (shared > previous.size()) {
    fail();
    return {};
  }
  std::string out(previous.substr(0, static_cast<std::size_t>(shared)));
  out += str();
  return out;
}

double RecordReader::f64() {
  std::string_view bytes = raw(8);
  if (!m_ok) return 0;
  std::uint64_t bits = 0;
  for (int i = 7; i >= 0; --i)
    bits = (bits << 8) | static_cast<std::uint8_t>(bytes[i]);
  return std::bit_cast<double>(bits);
}

std::size_t RecordReader::count() {
  std::uint64_t n = varint();
  if (n > m_in.size() - m_pos) {
    fail();
    return 0;
  }
  return static_cast<std::size_t>(n);
}

namespace {

Error corrupt(std::string_view what) {
  return make_error(Errc::corrupt, "undecodable " + std::string(what) + " record in the cache");
}

void write_strings(RecordWriter& out, const std::vector<std::string>& values) {
  out.varint(values.size());
  for (const auto& value : values)
    out.str(value);
}

std::vector<std::string> read_strings(RecordReader& in) {
  std::vector<std::string> values(in.count());
  for (auto& value : values)
    value = in.str();
  return values;
}

void write_sizes(RecordWriter& out, std::span<const api::Size> sizes) {
  out.varint(sizes.size());
  std::string_view previous;
  for (const auto& size : sizes) {
    out.str(size.label);
    out.str(size.suffix);
    out.varint(static_cast<std::uint32_t>(size.width));
    out.varint(static_cast<std::uint32_t>(size.height));
    out.delta_str(previous, size.source);
    out.u8(static_cast<std::uint8_t>(size.media));
    previous = size.source;
  }
}

std::vector<api::Size> read_sizes(RecordReader& in) {
  std::vector<api::Size> sizes(in.count());
  std::string previous;
  for (auto& size : sizes) {
    size.label = in.str();
    size.suffix = in.str();
    size.width = static_cast<int>(static_cast<std::uint32_t>(in.varint()));
    size.height = static_cast<int>(static_cast<std::uint32_t>(in.varint()));
    size.source = in.delta_str(previous);
    size.media = in.u8() == 1 ? api::Media::video : api::Media::photo;
    previous = size.source;
  }
  return sizes;
}

// Flags byte of a photo record.
enum PhotoFlags : std::uint8_t {
  kPublic = 1,
  kFriend = 2,
  kFamily = 4,
  kDateUnknown = 8,
  kCanDownload = 16,
  kHasDetail = 32,
  kFullSizes = 64,
  kHasGeo = 128,
};

std::uint8_t photo_flags(const PhotoRecord& r) {
  const api::Photo& p = r.photo;
  return static_cast<std::uint8_t>(
      (p.is_public ? kPublic : 0) | (p.is_friend ? kFriend : 0) | (p.is_family ? kFamily : 0) |
      (p.date_taken_unknown ? kDateUnknown : 0) | (p.can_download ? kCanDownload : 0) |
      (r.has_detail ? kHasDetail : 0) | (r.has_full_sizes ? kFullSizes : 0) |
      (p.geo ? kHasGeo : 0));
}

}  // namespace

// ---- photo -------------------------------------------------------------------------------

std::string encode_photo(const PhotoRecord& record) {
  const api::Photo& p = record.photo;
  RecordWriter out;
  out.u8(kPhotoRecordFormat);
  out.u8(photo_flags(record));
  out.u8(static_cast<std::uint8_t>(p.media));
  for (const std::string* s :
       {&p.id, &p.owner, &p.owner_name, &p.path_alias, &p.secret, &p.server, &p.original_secret,
        &p.original_format, &p.title, &p.description, &p.license, &p.media_status, &p.date_taken}) {
    out.str(*s);
  }
  out.svarint(p.date_taken_granularity);
  out.svarint(p.date_upload);
  out.svarint(p.last_update);
  write_strings(out, p.tags);
  write_strings(out, p.machine_tags);
  if (p.geo) {
    out.f64(p.geo->latitude);
    out.f64(p.geo->longitude);
    out.svarint(p.geo->accuracy);
    out.str(p.geo->place_id);
    out.str(p.geo->woeid);
  }
  out.svarint(p.views);
  out.svarint(p.count_comments);
  out.svarint(p.count_faves);
  out.svarint(p.original_width);
  out.svarint(p.original_height);
  out.svarint(p.rotation);
  out.svarint(record.detail_last_update);
  write_sizes(out, p.sizes);
  return out.take();
}

Result<PhotoRecord> decode_photo(std::string_view bytes) {
  RecordReader in(bytes);
  if (in.u8() != kPhotoRecordFormat) return corrupt("photo");
  PhotoRecord record;
  api::Photo& p = record.photo;
  std::uint8_t flags = in.u8();
  p.media = in.u8() == 1 ? api::Media::video : api::Media::photo;
  for (std::string* s :
       {&p.id, &p.owner, &p.owner_name, &p.path_alias, &p.secret, &p.server, &p.original_secret,
        &p.original_format, &p.title, &p.description, &p.license, &p.media_status, &p.date_taken}) {
    *s = in.str();
  }
  p.date_taken_granularity = in.int32();
  p.date_upload = in.svarint();
  p.last_update = in.svarint();
  p.tags = read_strings(in);
  p.machine_tags = read_strings(in);
  if (flags & kHasGeo) {
    api::Geo geo;
    geo.latitude = in.f64();
    geo.longitude = in.f64();
    geo.accuracy = in.int32();
    geo.place_id = in.str();
    geo.woeid = in.str();
    p.geo = geo;
  }
  p.views = in.svarint();
  p.count_comments = in.svarint();
  p.count_faves = in.svarint();
  p.original_width = in.int32();
  p.original_height = in.int32();
  p.rotation = in.int32();
  record.detail_last_update = in.svarint();
  p.sizes = read_sizes(in);
  if (!in.ok() || !in.at_end()) return corrupt("photo");
  p.is_public = flags & kPublic;
  p.is_friend = flags & kFriend;
  p.is_family = flags & kFamily;
  p.date_taken_unknown = flags & kDateUnknown;
  p.can_download = flags & kCanDownload;
  record.has_detail = flags & kHasDetail;
  record.has_full_sizes = flags & kFullSizes;
  return record;
}

// ---- sizes, photosets, comments, ids ------------------------------------------------------

std::string encode_sizes(std::span<const api::Size> sizes) {
  RecordWriter out;
  out.u8(1);
  write_sizes(out, sizes);
  return out.take();
}

Result<std::vector<api::Size>> decode_sizes(std::string_view bytes) {
  RecordReader in(bytes);
  if (in.u8() != 1) return corrupt("sizes");
  auto sizes = read_sizes(in);
  if (!in.ok() || !in.at_end()) return corrupt("sizes");
  return sizes;
}

std::string encode_photoset(const api::Photoset& set) {
  RecordWriter out;
  out.u8(1);
  for (const std::string* s : {&set.id, &set.title, &set.description, &set.primary})
    out.str(*s);
  for (std::int64_t v : {set.photos, set.videos, set.date_create, set.date_update})
    out.svarint(v);
  return out.take();
}

Result<api::Photoset> decode_photoset(std::string_view bytes) {
  RecordReader in(bytes);
  if (in.u8() != 1) return corrupt("album");
  api::Photoset set;
  for (std::string* s : {&set.id, &set.title, &set.description, &set.primary})
    *s = in.str();
  for (std::int64_t* v : {&set.photos, &set.videos, &set.date_create, &set.date_update}) {
    *v = in.svarint();
  }
  if (!in.ok() || !in.at_end()) return corrupt("album");
  return set;
}

std::string encode_comments(std::span<const api::Comment> comments) {
  RecordWriter out;
  out.u8(1);
  out.varint(comments.size());
  for (const auto& c : comments) {
    for (const std::string* s : {&c.id, &c.author, &c.authorname, &c.permalink, &c.text}) {
      out.str(*s);
    }
    out.svarint(c.date_create);
  }
  return out.take();
}

Result<std::vector<api::Comment>> decode_comments(std::string_view bytes) {
  RecordReader in(bytes);
  if (in.u8() != 1) return corrupt("comments");
  std::vector<api::Comment> comments(in.count());
  for (auto& c : comments) {
    for (std::string* s : {&c.id, &c.author, &c.authorname, &c.permalink, &c.text})
      *s = in.str();
    c.date_create = in.svarint();
  }
  if (!in.ok() || !in.at_end()) return corrupt("comments");
  return comments;
}

namespace {

// A decimal id without leading zero that fits 63 bits is stored as a number.
std::optional<std::uint64_t> numeric_id(std::string_view id) {
  if (id.empty() || id.size() > 18 || (id.size() > 1 && id[0] == '0')) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : id) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

}  // namespace

std::string encode_ids(std::span<const std::string> ids) {
  RecordWriter out;
  out.u8(1);
  out.varint(ids.size());
  for (const auto& id : ids) {
    if (auto number = numeric_id(id)) {
      out.varint(*number << 1);
    } else {
      out.varint((std::uint64_t{id.size()} << 1) | 1);
      out.raw(id);
    }
  }
  return out.take();
}

Result<std::vector<std::string>> decode_ids(std::string_view bytes) {
  RecordReader in(bytes);
  if (in.u8() != 1) return corrupt("id list");
  std::vector<std::string> ids(in.count());
  for (auto& id : ids) {
    std::uint64_t head = in.varint();
    if (head & 1) {
      id = std::string(in.raw(static_cast<std::size_t>(head >> 1)));
    } else {
      id = std::to_string(head >> 1);
    }
  }
  if (!in.ok() || !in.at_end()) return corrupt("id list");
  return ids;
}

}  // namespace flickrfs::cache
