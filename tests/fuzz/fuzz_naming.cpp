// Fuzz target: any title and id yield valid, bounded names (naming.hpp's promises).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fs/model/naming.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flickrfs::model;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string stem = photo_stem(input, input, "54216619200");
  if (!is_valid_name(stem) || stem.size() + kStemSuffixReserve > kMaxNameBytes) std::abort();
  if (!is_valid_name(album_dir_name(input, "72157709876543210"))) std::abort();
  if (!is_valid_name(album_entry_name(size, size + 1, stem))) std::abort();
  const std::string clean = sanitize_title(input, 64);
  if (clean.size() > 64 || !is_valid_name(clean + "_x")) std::abort();
  return 0;
}
