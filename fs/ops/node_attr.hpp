#pragma once
// Attributes of a node with the byte size filled in when it is known (or, with
// SizePolicy::resolve, found out within the Context's bound). Shared by lookup, getattr
// and readdirplus so they agree on sizes.
//
// Thread contract: stateless; safe from any thread.

#include "api/result.hpp"
#include "fs/context.hpp"
#include "fs/model/tree.hpp"

namespace flickrfs::fs::op {

enum class SizePolicy : std::uint8_t { known_only, resolve };

[[nodiscard]] Result<model::Attr> node_attr(Context& ctx, const model::Tree& tree,
                                            const model::Node& node, SizePolicy policy);

}  // namespace flickrfs::fs::op
