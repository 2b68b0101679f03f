// See node_attr.hpp.
#include "fs/ops/node_attr.hpp"

#include <optional>

#include "fs/prefetch/prefetcher.hpp"
#include "fs/thumbnail/requester.hpp"
#include "fs/thumbnail/thumbnailer.hpp"
#include "fs/upload/upload_area.hpp"

namespace flickrfs::fs::op {

Result<model::Attr> node_attr(Context& ctx, const model::Tree& tree, const model::Node& node,
                              SizePolicy policy) {
  if (!model::is_regular_file(node.kind)) return tree.attr(node, std::nullopt);
  if (node.kind == model::NodeKind::image_file && ctx.uploads != nullptr) {
    // Replaced from here and not on Flickr yet: the new bytes, uncached (they change again
    // once Flickr has them: a new secret, a new inode).
    const auto pending = ctx.uploads->replacement_size(tree.photo(node.index).photo.id);
    if (pending) {
      model::Attr attr = tree.attr(node, *pending);
      attr.immutable = false;
      attr.provisional = true;
      return attr;
    }
  }
  std::optional<std::uint64_t> size = ctx.catalog->known_size(tree, node);
  if (!size && policy == SizePolicy::resolve) {
    ctx.catalog->note_attr_wanted(tree, node);
    FLICKRFS_TRY(const std::uint64_t resolved,
                 ctx.catalog->resolve_size(tree, node, ctx.size_bound));
    size = resolved;
  }
  model::Attr attr = tree.attr(node, size);
  attr.provisional = size.has_value() && ctx.catalog->provisional_size(tree, node);
  return attr;
}

void note_listing(Context& ctx, const std::shared_ptr<const model::Tree>& tree,
                  const model::Node& dir) {
  ctx.catalog->note_listing(*tree, dir);
  if (ctx.prefetcher != nullptr) ctx.prefetcher->note_listing(tree, dir);  // walk-ahead
}

namespace {

// The mounting user's viewer, not a batch tool (thumbnail/requester.hpp).
bool wants_thumbnails(fuse_req_t req, const Context& ctx) {
  const fuse_ctx* caller = fuse_req_ctx(req);
  return ctx.thumbnailer != nullptr && caller->uid == ctx.uid &&
         !thumbnail::is_batch_tool(thumbnail::program_of(caller->pid));
}

}  // namespace

void note_entries_listed(fuse_req_t req, Context& ctx,
                         const std::shared_ptr<const model::Tree>& tree, const model::Node& dir) {
  if (!wants_thumbnails(req, ctx)) return;
  ctx.thumbnailer->note_listing(tree, dir);
}

void await_thumbnails(fuse_req_t req, Context& ctx, const std::shared_ptr<const model::Tree>& tree,
                      const model::Node& hidden) {
  if (!wants_thumbnails(req, ctx)) return;
  const auto dir = tree->node(tree->parent_of(hidden));
  if (!dir) return;
  // The listing may have come from the kernel's directory cache (a batch tool listed it
  // first): queue what is missing, then wait.
  ctx.thumbnailer->note_listing(tree, *dir);
  (void)ctx.thumbnailer->wait_for_dir(dir->ino, ctx.thumbnail_bound);
}

namespace {

// `dir` when it is a directory `tree` does not list yet, the only case worth a wait.
std::optional<model::Node> unlisted_dir(const model::Tree& tree, model::Ino dir) {
  const auto node = tree.node(dir);
  if (!node || !model::is_directory(node->kind) || tree.listed(*node)) return std::nullopt;
  return node;
}

}  // namespace

std::shared_ptr<const model::Tree> listed_snapshot(Context& ctx, model::Ino dir) {
  auto tree = ctx.catalog->tree();
  const auto node = unlisted_dir(*tree, dir);
  return node ? ctx.catalog->await_listing(*node, ctx.listing_bound) : tree;
}

std::shared_ptr<const model::Tree> lookup_snapshot(Context& ctx, model::Ino dir,
                                                   std::string_view name) {
  auto tree = ctx.catalog->tree();
  const auto node = unlisted_dir(*tree, dir);
  return node ? ctx.catalog->await_subdir(*node, name, ctx.listing_bound) : tree;
}

}  // namespace flickrfs::fs::op
