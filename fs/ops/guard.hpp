#pragma once
// The last-resort net of every op: no C++ exception may cross into libfuse (a C library).
// std::bad_alloc replies ENOMEM, anything else EIO (and is logged). Ops only throw from
// allocations made before their single reply, so the net never causes a second reply.
//
// Thread contract: stateless; safe from any thread.

#include <cerrno>
#include <exception>
#include <new>

#include <fuse_lowlevel.h>

#include "fs/log.hpp"

namespace flickrfs::fs::op {

template <class Body>
void guarded(fuse_req_t req, const char* op_name, Body&& body) noexcept {
  try {
    body();
  } catch (const std::bad_alloc&) {
    fuse_reply_err(req, ENOMEM);
  } catch (const std::exception& e) {
    log::error("%s: unexpected exception: %s", op_name, e.what());
    fuse_reply_err(req, EIO);
  } catch (...) {
    log::error("%s: unexpected exception", op_name);
    fuse_reply_err(req, EIO);
  }
}

}  // namespace flickrfs::fs::op
