// Fuzz target: any title and id yield valid, bounded names (naming.hpp's promises); the
// date_taken parser (free text from the response) never crashes.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fs/model/dates.hpp"
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
  (void)parse_date_taken(input);  // datetaken comes from the response as free text
  return 0;
}
