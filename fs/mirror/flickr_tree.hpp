#pragma once
// The desired tree of a Flickr account: the mount's own model::Tree (same names, pages,
// album symlinks, mtimes; fs/model/tree.hpp) built from a FlickrCatalog, walked into
// SourceEntries. Image files download from the URL the model chose (media_choice.hpp);
// a sidecar (<stem>.json) is rendered by model::render_info_json with the image's exact
// byte size as it lies in DEST, exactly as the mount renders it with the size it learnt;
// .hidden and album.json come from the snapshot itself (Tree::generated_text); with --exif,
// <stem>.exif.json is the bytes the listing got (FlickrCatalog::exif), as the mount shows.
//
// A subtree ("photostream/page-0002", "sets/<album dir>", "sizes/large") keeps its
// mount-relative paths in DEST, plus the photostream files its album links point to, so
// the links resolve offline.
//
// Thread contract: build on one thread; the entries' render functions are thread-safe.

#include <string>
#include <vector>

#include "base/result.hpp"
#include "fs/mirror/entry.hpp"
#include "fs/mirror/flickr_listing.hpp"

namespace flickrfs::mirror {

struct FlickrTreeOptions {
  std::vector<std::string> sizes = {"best"};  // model::parse_sizes_list output
  std::string subtree;                        // "" = the whole mount
  bool exif = false;                          // --exif: exif.json files and album links
};

[[nodiscard]] Result<DesiredTree> desired_tree_from_catalog(FlickrCatalog catalog,
                                                            const FlickrTreeOptions& options);

// Keeps the entries at or under `subtree`, their ancestors, and what album links inside it
// point to. Errc::not_found when nothing matches.
[[nodiscard]] Result<DesiredTree> restrict_to_subtree(DesiredTree tree, const std::string& subtree);

}  // namespace flickrfs::mirror
