#pragma once
// Which bytes a photo directory serves (DESIGN section 3):
// - photos: the original when the caller may see it, else the largest size listed;
// - videos: the best MP4 stream the API lists (ranked the way gallery-dl ranks them), else
//   the poster JPEG (info.json says which, through FileChoice::source);
// - `--sizes LIST`: extra files for named sizes ("large", "thumb", ...), when the photo has
//   that size.
// The mirror command uses the same functions so its tree is the mount's tree byte for byte.
//
// Thread contract: pure functions; safe from any thread.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/types.hpp"
#include "base/result.hpp"

namespace flickrfs::model {

enum class ChoiceSource : std::uint8_t { original, largest_size, named_size, video_stream, poster };

[[nodiscard]] std::string_view to_string(ChoiceSource source) noexcept;

// One file of a photo directory and where its bytes come from.
struct FileChoice {
  std::string label;  // Flickr's size label: "Original", "Large 2048", "Site MP4" ...
  std::string ext;    // "jpg", "png", "gif", "mp4"
  std::string url;    // what to download
  int width = 0;
  int height = 0;
  ChoiceSource source = ChoiceSource::largest_size;
};

// The file every photo directory has. Empty only when the photo lists no downloadable size
// at all (then the directory holds just info.json).
[[nodiscard]] std::optional<FileChoice> choose_best(const api::Photo& photo);

// The size a --sizes label names ("large" -> "Large", "thumb" -> "Thumbnail", ...), or
// empty when this photo does not have it. "best" is choose_best.
[[nodiscard]] std::optional<FileChoice> choose_named(const api::Photo& photo,
                                                     std::string_view sizes_label);

// Parses "best,large,thumb": labels must be known (see kKnownSizeLabels in the .cpp);
// "best" is always included and comes first; duplicates are dropped.
[[nodiscard]] Result<std::vector<std::string>> parse_sizes_list(std::string_view list);

}  // namespace flickrfs::model
