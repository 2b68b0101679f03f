// flickrfs call: see commands.hpp.
#include "fs/cli/commands.hpp"

namespace flickrfs::cli {

int cmd_call(Args /*args*/) {
  return not_implemented("call");
}

}  // namespace flickrfs::cli
