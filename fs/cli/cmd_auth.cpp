// flickrfs auth: see commands.hpp.
#include "fs/cli/commands.hpp"

namespace flickrfs::cli {

int cmd_auth(Args /*args*/) {
  return not_implemented("auth");
}

}  // namespace flickrfs::cli
