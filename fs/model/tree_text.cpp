// The files a Tree snapshot renders by itself (see tree.hpp): `.hidden` and album.json.
//
// .hidden: one name a line, each line ending in "\n", in listing order: a page's (or
// favorites/') sidecars (and exif.json files); an album's sidecar links (and exif links), then
// album.json (the album's own metadata), so a file manager that honours .hidden shows pictures
// only.
//
// album.json: deterministic, pretty, UTF-8 JSON (json_writer.hpp) with id, title,
// description, count (the entries the directory shows), photos and videos (Flickr's
// counts), primary (photo id), created and updated (ISO-8601 UTC) and url (null when the
// owner is not known).
#include "fs/model/dates.hpp"
#include "fs/model/exif_json.hpp"
#include "fs/model/json_writer.hpp"
#include "fs/model/naming.hpp"
#include "fs/model/tree.hpp"

namespace flickrfs::model {

std::string Tree::hidden_text(const Node& node) const {
  if (node.sub == 2) return view_hidden_text(node.index);
  std::string out;
  if (node.sub == 0 || node.sub == 3) {
    const auto [begin, end] = page_range(node.sub == 3 ? 0 : node.index);
    for (std::size_t i = begin; i < end; ++i) {
      out.append(photo(i).stem).append(kSidecarExt).append("\n");
      if (m_options.exif) out.append(photo(i).stem).append(kExifExt).append("\n");
    }
    return out;
  }
  const auto& album = m_albums[node.index];
  for (std::uint32_t p = 0; p < album.members.size(); ++p) {
    for (const std::uint32_t part : {1u, 2u}) {  // the sidecar and exif.json links
      if (const auto link = album_member_node(node.index, p, part))
        out.append(name_of(*link)).append("\n");
    }
  }
  out.append(kAlbumJsonName).append("\n");
  return out;
}

std::string Tree::generated_text(const Node& node) const {
  if (node.kind == NodeKind::hidden_list) return hidden_text(node);
  if (node.kind != NodeKind::album_json) return {};
  const auto& album = m_albums[node.index];
  const api::Photoset& set = album.set;
  JsonWriter json;
  json.begin_object();
  json.key("id");
  json.string(set.id);
  json.key("title");
  json.string(set.title);
  json.key("description");
  json.string(set.description);
  json.key("count");
  json.integer(static_cast<std::int64_t>(album.members.size()));
  json.key("photos");
  json.integer(set.photos);
  json.key("videos");
  json.integer(set.videos);
  json.key("primary");
  json.string(set.primary);
  json.key("created");
  json.string(iso8601_utc(set.date_create));
  json.key("updated");
  json.string(iso8601_utc(set.date_update));
  json.key("url");
  if (m_owner.empty()) {
    json.null();
  } else {
    json.string("https://www.flickr.com/photos/" + m_owner + "/albums/" + set.id);
  }
  json.end_object();
  return json.finish();
}

}  // namespace flickrfs::model
