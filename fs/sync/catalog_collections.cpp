// Refresher (see refresher.hpp): the collection tree behind MOUNT/collections/ (model/views.hpp).
//
// One flickr.collections.getTree call with the album list (first fill and every album
// refresh), stored in MetaStore's sync state as one record, so the tree is there offline.
// A failed call keeps what is stored; with nothing stored, collections/ shows empty and the
// next album refresh tries again (a permanent failure must not keep the fill busy).
//
// Thread contract: fetch_collections() under m_refresh_mutex; the codec is pure.
#include <charconv>

#include "fs/log.hpp"
#include "fs/sync/refresher.hpp"

namespace flickrfs::fs {

namespace {

constexpr std::string_view kStateKey = "collections";
constexpr int kMaxDepth = 64;  // as the parser (api/parse/photosets.cpp)

// "<length>:<bytes>" keeps any title byte exact.
void put_text(std::string& out, std::string_view text) {
  out.append(std::to_string(text.size())).append(":").append(text);
}

bool get_text(std::string_view& in, std::string& out) {
  const auto colon = in.find(':');
  if (colon == std::string_view::npos) return false;
  std::size_t size = 0;
  const auto [end, ec] = std::from_chars(in.data(), in.data() + colon, size);
  if (ec != std::errc() || end != in.data() + colon || size > in.size() - colon - 1) return false;
  out.assign(in.substr(colon + 1, size));
  in.remove_prefix(colon + 1 + size);
  return true;
}

bool get_count(std::string_view& in, std::size_t& count) {
  std::string text;
  if (!get_text(in, text)) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), count);
  return ec == std::errc() && end == text.data() + text.size();
}

void put_collections(std::string& out, const std::vector<api::Collection>& collections) {
  put_text(out, std::to_string(collections.size()));
  for (const auto& c : collections) {
    put_text(out, c.id);
    put_text(out, c.title);
    put_text(out, std::to_string(c.sets.size()));
    for (const auto& set : c.sets) {
      put_text(out, set.id);
      put_text(out, set.title);
    }
    put_collections(out, c.children);
  }
}

bool get_collections(std::string_view& in, std::vector<api::Collection>& out, int depth) {
  std::size_t count = 0;
  if (depth > kMaxDepth || !get_count(in, count) || count > in.size()) return false;
  for (std::size_t i = 0; i < count; ++i) {
    api::Collection c;
    std::size_t sets = 0;
    if (!get_text(in, c.id) || !get_text(in, c.title) || !get_count(in, sets) || sets > in.size())
      return false;
    for (std::size_t s = 0; s < sets; ++s) {
      api::PhotosetRef ref;
      if (!get_text(in, ref.id) || !get_text(in, ref.title)) return false;
      c.sets.push_back(std::move(ref));
    }
    if (!get_collections(in, c.children, depth + 1)) return false;
    out.push_back(std::move(c));
  }
  return true;
}

}  // namespace

std::string Refresher::encode_collections(const std::vector<api::Collection>& collections) {
  std::string out;
  put_collections(out, collections);
  return out;
}

std::optional<std::vector<api::Collection>> Refresher::decode_collections(std::string_view text) {
  std::vector<api::Collection> out;
  if (!get_collections(text, out, 0) || !text.empty()) return std::nullopt;
  return out;
}

Result<std::optional<std::vector<api::Collection>>> Refresher::stored_collections() const {
  FLICKRFS_TRY(const auto stored, m_meta.state(kStateKey));
  if (!stored) return std::optional<std::vector<api::Collection>>{};
  return decode_collections(*stored);  // a record it cannot read counts as never fetched
}

Result<void> Refresher::fetch_collections(AlbumReplies* ahead) {
  auto tree = ahead != nullptr && ahead->collections ? std::move(*ahead->collections)
                                                     : m_client->collections_tree(m_options.user);
  if (!tree.ok()) {
    m_connectivity.report(tree.error());
    log::warning("collections not refreshed: %s", tree.error().describe().c_str());
    const Errc code = tree.error().code;
    if (code == Errc::offline || code == Errc::network || code == Errc::rate_limited ||
        code == Errc::unavailable || code == Errc::interrupted) {
      return std::move(tree).error();  // the caller's retry covers it
    }
    m_collections_failed = true;
    return success();
  }
  m_collections_failed = false;
  return m_meta.put_state(kStateKey, encode_collections(*tree));
}

}  // namespace flickrfs::fs
