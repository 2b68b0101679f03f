#pragma once
// The only place where a flickrfs Error becomes an errno for a FUSE reply (mergerfs and
// rclone's translateError keep this in one spot too; tests/unit/errno_map_test.cpp covers
// every Errc).

#include "base/result.hpp"

namespace flickrfs::fs {

[[nodiscard]] int to_errno(const Error& error) noexcept;

}  // namespace flickrfs::fs
