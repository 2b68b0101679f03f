// flickrfs status: see commands.hpp.
#include "fs/cli/commands.hpp"

namespace flickrfs::cli {

int cmd_status(Args /*args*/) {
  return not_implemented("status");
}

}  // namespace flickrfs::cli
