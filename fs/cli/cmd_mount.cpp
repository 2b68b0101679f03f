// flickrfs mount: see commands.hpp.
#include "fs/cli/commands.hpp"

namespace flickrfs::cli {

int cmd_mount(Args /*args*/) {
  return not_implemented("mount");
}

}  // namespace flickrfs::cli
