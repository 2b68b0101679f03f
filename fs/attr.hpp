#pragma once
// Translates model attributes into what the kernel is told (struct stat, fuse_entry_param) and
// decides the cache timeouts per node kind. The one place that knows how long the kernel
// may trust what we said.
//
// Thread contract: pure functions over a read-only Context; safe from any thread.

#include <sys/stat.h>

#include <string_view>

#include <fuse_lowlevel.h>

#include "fs/context.hpp"
#include "fs/model/node.hpp"

namespace flickrfs::fs {

void fill_stat(const Context& ctx, const model::Attr& attr, struct stat& out);

// Attribute timeout: 0 while a file's size is unknown, so the kernel asks again (getattr
// then resolves it) instead of trusting a size nobody knows.
[[nodiscard]] double attr_timeout(const Context& ctx, const model::Attr& attr);
[[nodiscard]] double entry_timeout(const Context& ctx, model::NodeKind kind);

[[nodiscard]] fuse_entry_param make_entry(const Context& ctx, const model::Attr& attr);
// A negative entry (ino 0) the kernel caches, longer for well-known probe names.
[[nodiscard]] fuse_entry_param make_negative_entry(const Context& ctx, std::string_view name);

// Names file managers and shells look up in every directory (never photos: photo names
// always end in "_<id>").
[[nodiscard]] bool is_probe_name(std::string_view name);

}  // namespace flickrfs::fs
