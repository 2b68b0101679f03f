#pragma once
// Attributes of a node with the byte size filled in when it is known (or, with
// SizePolicy::resolve, found out within the Context's bound); an image whose replacement is
// being written or queued (a --writable mount) has the replacement's size, uncached. Shared by
// lookup, getattr and readdirplus so they agree on sizes. Also the snapshot a directory op answers
// from (listed_snapshot), shared by lookup, opendir, readdir and readdirplus.
//
// Thread contract: stateless; safe from any thread.

#include <memory>

#include "base/result.hpp"
#include "fs/context.hpp"
#include "fs/model/tree.hpp"

namespace flickrfs::fs::op {

enum class SizePolicy : std::uint8_t { known_only, resolve };

[[nodiscard]] Result<model::Attr> node_attr(Context& ctx, const model::Tree& tree,
                                            const model::Node& node, SizePolicy policy);

// The current snapshot, or, when directory `dir` is not listed in it yet (a first mount
// still filling in the background), the one the catalog has once it is, waiting at most
// Context::listing_bound. Never waits for a directory that is listed, or offline.
[[nodiscard]] std::shared_ptr<const model::Tree> listed_snapshot(Context& ctx, model::Ino dir);
// The same for a lookup of `name` in `dir`, which also stops waiting once `name` is a
// directory in the snapshot (CatalogView::await_subdir).
[[nodiscard]] std::shared_ptr<const model::Tree> lookup_snapshot(Context& ctx, model::Ino dir,
                                                                 std::string_view name);

// Directory `dir` is being listed: the catalog re-checks a stale listing in the background
// and the prefetcher watches for a walk. opendir calls it, or, without opendir
// (Context::no_opendir), readdir at offset 0.
// A directory's entries were asked for (opendir, or readdir at offset 0): the thumbnailer
// writes thumbnails of its pictures, for the user who mounted only (they go into that
// user's home; with allow_other, other users' file managers make their own), and not when a
// batch tool lists (a shell's glob, `ls`, `cp -r`, `rsync`: thumbnail/requester.hpp). Not
// called for a directory's getattr, which `ls -l photostream/` does for every page.
void note_entries_listed(fuse_req_t req, Context& ctx,
                         const std::shared_ptr<const model::Tree>& tree, const model::Node& dir);
// Opening a picture directory's .hidden queues its thumbnails not written yet (the listing
// may have come from the kernel's directory cache, unseen here) and waits, at most
// Context::thumbnail_bound, until those of that directory are done. GLib's directory enumerator
// (Thunar, PCManFM, Nautilus) reads .hidden before it hands out the first entry, and each file
// manager looks for a thumbnail right after: without this wait a local file manager wins the
// race and reads the originals. Batch tools never wait (`cp -r` and `rsync` copy .hidden),
// nor do image reads. The mounting user only.
void await_thumbnails(fuse_req_t req, Context& ctx, const std::shared_ptr<const model::Tree>& tree,
                      const model::Node& hidden);
void note_listing(Context& ctx, const std::shared_ptr<const model::Tree>& tree,
                  const model::Node& dir);

}  // namespace flickrfs::fs::op
