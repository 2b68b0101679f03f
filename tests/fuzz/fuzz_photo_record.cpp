// Fuzz target: the cache's record decoders never read out of bounds, never allocate without
// bound, and what they accept survives a re-encode unchanged (record_codec.hpp's promises).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cache/blob_store.hpp"
#include "cache/record_codec.hpp"

namespace {

template <class Decode, class Encode>
void check_round_trip(std::string_view input, Decode decode, Encode encode) {
  auto first = decode(input);
  if (!first.ok()) return;
  const std::string canonical = encode(*first);
  auto second = decode(canonical);
  if (!second.ok() || encode(*second) != canonical) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flickrfs::cache;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_round_trip(input, decode_photo, [](const PhotoRecord& r) { return encode_photo(r); });
  check_round_trip(input, decode_sizes, [](const auto& s) { return encode_sizes(s); });
  check_round_trip(input, decode_ids, [](const auto& ids) { return encode_ids(ids); });
  check_round_trip(input, decode_comments, [](const auto& c) { return encode_comments(c); });
  check_round_trip(input, decode_photoset, [](const auto& s) { return encode_photoset(s); });
  if (auto key = BlobKey::from_file_name(input)) {
    if (BlobKey::from_file_name(key->file_name()) != key) std::abort();
    if (key->file_name().find('/') != std::string::npos) std::abort();
  }
  return 0;
}
