// fs/errno_map.cpp: every error kind maps to a sensible errno.
#include <catch2/catch.hpp>

#include <cerrno>

#include "fs/errno_map.hpp"

using flickrfs::Errc;
using flickrfs::make_error;
using flickrfs::fs::to_errno;

TEST_CASE("error kinds map to the errno a FUSE reply needs", "[errno]") {
  auto [code, expected] = GENERATE(table<Errc, int>({
      {Errc::not_found, ENOENT},
      {Errc::permission, EACCES},
      {Errc::auth, EACCES},
      {Errc::invalid_argument, EINVAL},
      {Errc::network, EIO},
      {Errc::offline, EIO},
      {Errc::unavailable, EIO},
      {Errc::rate_limited, EIO},
      {Errc::corrupt, EIO},
      {Errc::no_space, ENOSPC},
      {Errc::interrupted, EINTR},
  }));
  CAPTURE(flickrfs::to_string(code));
  CHECK(to_errno(make_error(code, "x")) == expected);
}

TEST_CASE("an I/O error keeps its system errno", "[errno]") {
  CHECK(to_errno(flickrfs::error_from_errno(EROFS, "write")) == EROFS);
  CHECK(to_errno(make_error(Errc::io, "no errno")) == EIO);
}

TEST_CASE("every error kind maps to a positive errno", "[errno]") {
  for (Errc code : flickrfs::kAllErrc) {
    CAPTURE(flickrfs::to_string(code));
    CHECK(to_errno(make_error(code, "x")) > 0);
  }
}

TEST_CASE("permission and argument errors may name a more precise errno", "[errno]") {
  auto denied = make_error(Errc::permission, "rm in photostream/ without --allow-delete");
  denied.sys_errno = EPERM;
  CHECK(to_errno(denied) == EPERM);
  auto exists = make_error(Errc::invalid_argument, "name taken");
  exists.sys_errno = EEXIST;
  CHECK(to_errno(exists) == EEXIST);
}
