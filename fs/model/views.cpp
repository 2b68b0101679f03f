// See views.hpp: which view directories a photo belongs to.
#include "fs/model/views.hpp"

#include <algorithm>

#include "fs/model/dates.hpp"
#include "fs/model/naming.hpp"

namespace flickrfs::model {

namespace {

constexpr std::string_view kFullwidthStop = "\xEF\xBC\x8E";  // U+FF0E

// A tag as one path component: sanitized like a title; "." and ".." (which would name the
// directory itself or its parent) get fullwidth stops; empty when nothing printable is left.
std::string component(std::string_view text) {
  std::string name = sanitize_title(text, kMaxNameBytes);
  if (name == "." || name == "..") {
    std::string safe;
    for (std::size_t i = 0; i < name.size(); ++i)
      safe.append(kFullwidthStop);
    return safe;
  }
  return name;
}

// A machine tag as Flickr also lists it among the plain tags ("camera:make=fuji" is
// "cameramakefuji" there): lower-cased, ASCII punctuation dropped.
std::string normalized_machine_tag(std::string_view raw) {
  std::string out;
  for (const char c : raw) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80 || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out += c;
    if (c >= 'A' && c <= 'Z') out += static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool valid_year_month(std::string_view text) {
  if (text.size() < 7 || !parse_date_taken(text.substr(0, 10))) return false;
  const bool zero_year = text.substr(0, 4) == "0000";
  const auto month = text.substr(5, 2);
  return !zero_year && month >= "01" && month <= "12";
}

}  // namespace

ViewCollector::ViewCollector() {
  for (const char* root : {"collections", "tags", "by-date", "by-upload"})
    (void)dir(root);
  m_dirs[0].from_collections = true;
}

void ViewCollector::add_collections(const std::vector<api::Collection>& collections,
                                    const std::string& parent) {
  for (const auto& collection : collections) {
    // The id keeps the name unique; depth is bounded by the parser (api/parse).
    const std::string path = parent + "/" + album_dir_name(collection.title, collection.id);
    const std::uint32_t here = dir(path);
    m_dirs[here].from_collections = true;
    add_collections(collection.children, path);
    for (const auto& set : collection.sets)
      m_album_links.emplace_back(here, set.id);
  }
}

std::uint32_t ViewCollector::dir(std::string_view path) {
  const auto found = m_by_path.find(std::string(path));
  if (found != m_by_path.end()) return found->second;
  Dir made;
  made.path = std::string(path);
  const auto slash = path.rfind('/');
  if (slash != std::string_view::npos) {
    made.parent = dir(path.substr(0, slash));
    made.depth = m_dirs[made.parent].depth + 1;
    made.name = std::string(path.substr(slash + 1));
  } else {
    made.name = made.path;
  }
  const auto index = static_cast<std::uint32_t>(m_dirs.size());
  m_by_path.emplace(made.path, index);
  m_dirs.push_back(std::move(made));
  return index;
}

std::string taken_view_path(const api::Photo& photo) {
  const std::string_view taken = photo.date_taken;
  // datetakenunknown: Flickr filled in the upload time (flickr-api.md section 10).
  if (photo.date_taken_unknown || !valid_year_month(taken)) return "by-date/unknown";
  const std::string year(taken.substr(0, 4));
  // Granularity 6 (year) and 8 (circa): the month Flickr stores is a placeholder.
  if (photo.date_taken_granularity >= 6) return "by-date/" + year;
  return "by-date/" + year + "/" + std::string(taken.substr(5, 2));
}

std::vector<std::string> view_paths_of(const api::Photo& photo) {
  std::vector<std::string> out;
  std::vector<std::string> machine_words;
  for (const auto& tag : photo.machine_tags)
    machine_words.push_back(normalized_machine_tag(tag));
  for (const auto& tag : photo.tags) {
    // The machine tags' plain echoes: they have tags/machine/ (flickr-api.md, "tags" extra).
    if (std::find(machine_words.begin(), machine_words.end(), tag) != machine_words.end()) continue;
    std::string name = component(tag);
    if (name.empty()) continue;
    if (name == "machine") name = "machine (tag)";  // tags/machine/ holds the machine tags
    out.push_back("tags/" + name);
  }
  for (const auto& tag : photo.machine_tags) {
    const std::string name = component(tag);
    if (!name.empty()) out.push_back("tags/machine/" + name);
  }
  out.push_back(taken_view_path(photo));
  const std::string uploaded = iso8601_utc(photo.date_upload);  // "YYYY-MM-DDTHH:MM:SSZ"
  out.push_back("by-upload/" + uploaded.substr(0, 4) + "/" + uploaded.substr(5, 2));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace flickrfs::model
