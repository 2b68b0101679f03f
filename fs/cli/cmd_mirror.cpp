// flickrfs mirror: see commands.hpp.
#include "fs/cli/commands.hpp"

namespace flickrfs::cli {

int cmd_mirror(Args /*args*/) {
  return not_implemented("mirror");
}

}  // namespace flickrfs::cli
