#pragma once
// What the FUSE adapter (fs/ops) needs from the data layer, and nothing more. The real
// implementation is sync::Catalog (fs/sync/catalog.hpp: LMDB + Flickr API + blob store);
// tests can provide their own. Keeping this narrow is what lets the mirror command reuse
// the catalog without FUSE, and lets the ops stay thin.
//
// Blocking rules (the ops rely on them):
// - tree(), known_size(), note_*() never block on the network;
// - await_listing() waits for the background fill, never longer than its bound;
// - resolve_size() and open() may, but never longer than the bound they are given (or the
//   download's own stall timeout for reads), and fail fast when offline;
// - every method may be called from any FUSE worker thread at once.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "fs/model/node.hpp"
#include "fs/model/tree.hpp"

namespace flickrfs::model {

// An open regular file: the bytes are fixed for the life of the handle.
class OpenFile {
 public:
  virtual ~OpenFile() = default;
  [[nodiscard]] virtual std::uint64_t size() const = 0;
  // Reads up to out.size() bytes at `offset`; fewer only at end of file. Blocks until the
  // range has arrived when the file is still downloading.
  [[nodiscard]] virtual Result<std::size_t> read(std::uint64_t offset, std::span<char> out) = 0;
};

class CatalogView {
 public:
  virtual ~CatalogView() = default;

  // The current snapshot (never null; empty until the first listing is known).
  [[nodiscard]] virtual std::shared_ptr<const Tree> tree() const = 0;

  // The exact byte size of a regular file if it is known already (no network).
  [[nodiscard]] virtual std::optional<std::uint64_t> known_size(const Tree& tree,
                                                                const Node& node) = 0;

  // Finds out the exact byte size (a HEAD/Range probe for images, rendering for info.json),
  // remembers it, and returns it. Fails with Errc::offline / network / timeout-like errors
  // within `bound`.
  [[nodiscard]] virtual Result<std::uint64_t> resolve_size(const Tree& tree, const Node& node,
                                                           std::chrono::milliseconds bound) = 0;

  // True when the size just known or resolved for `node` describes content that will change
  // without a new inode: an info.json rendered without everything it shows (offline, it
  // says "bytes": null until the image's size is known). The kernel must not cache it, so
  // st_size and the bytes read change together.
  [[nodiscard]] virtual bool provisional_size(const Tree& /*tree*/, const Node& /*node*/) {
    return false;
  }

  // Opens a regular file for reading (resolving its size first).
  [[nodiscard]] virtual Result<std::unique_ptr<OpenFile>> open(const Tree& tree,
                                                               const Node& node) = 0;

  // A snapshot in which directory `dir` is listed (Tree::listed), waiting at most `bound`
  // for a listing still being fetched (a first mount fills its tree in the background);
  // after the bound, or offline, the current snapshot as it is. Never fetches on the
  // calling thread. The default suits catalogs whose listings are always complete.
  [[nodiscard]] virtual std::shared_ptr<const Tree> await_listing(
      const Node& /*dir*/, std::chrono::milliseconds /*bound*/) {
    return tree();
  }
  // As await_listing(), and done as soon as `dir` holds a directory named `name`: a first
  // walk shows the photostream's pages before the photostream is listed in full
  // (sync/first_pages.hpp), and a lookup of one of them need not wait for the others.
  [[nodiscard]] virtual std::shared_ptr<const Tree> await_subdir(const Node& dir,
                                                                 std::string_view /*name*/,
                                                                 std::chrono::milliseconds bound) {
    return await_listing(dir, bound);
  }

  // Hints: a directory was listed / a file's attributes were wanted. Used to keep listings
  // fresh (--dir-cache-time) and to probe sizes of neighbours ahead of `ls -l`.
  virtual void note_listing(const Tree& tree, const Node& dir) = 0;
  virtual void note_attr_wanted(const Tree& tree, const Node& file) = 0;

  // rm of a photostream image on a mount with --allow-delete: flickr.photos.delete, and only
  // once Flickr confirmed, the photo leaves the listings (a refresh running meanwhile waits).
  // May block on the network (the call's own retries bound it).
  [[nodiscard]] virtual Result<void> delete_photo(const std::string& photo_id) {
    return make_error(Errc::permission, "photo " + photo_id + ": this catalog cannot delete");
  }

  // The daemon's state as "key=value" lines (online, calls left, queue, cache use), for
  // `flickrfs status` (fs/status_file.hpp).
  [[nodiscard]] virtual std::string status_lines() = 0;
};

}  // namespace flickrfs::model
