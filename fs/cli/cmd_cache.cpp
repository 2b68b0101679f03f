// flickrfs cache: see commands.hpp.
#include "fs/cli/commands.hpp"

namespace flickrfs::cli {

int cmd_cache(Args /*args*/) {
  return not_implemented("cache");
}

}  // namespace flickrfs::cli
