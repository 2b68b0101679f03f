// See version.hpp.
#include "fs/cli/version.hpp"

#include <curl/curl.h>
#include <fuse_lowlevel.h>
#include <lmdb.h>
#include <simdjson.h>

namespace flickrfs::cli {

std::string version_text(std::string_view flickrfs_version) {
  std::string out = "flickrfs " + std::string(flickrfs_version) + "\n";
  out += "libfuse " + std::string(fuse_pkgversion()) + "\n";
  const curl_version_info_data* curl = curl_version_info(CURLVERSION_NOW);
  out += "libcurl " + std::string(curl->version);
  if (curl->ssl_version != nullptr) out += " (" + std::string(curl->ssl_version) + ")";
  out += "\n";
  int major = 0;
  int minor = 0;
  int patch = 0;
  (void)mdb_version(&major, &minor, &patch);
  out += "LMDB " + std::to_string(major) + "." + std::to_string(minor) + "." +
         std::to_string(patch) + "\n";
  out += "simdjson " + std::to_string(simdjson::SIMDJSON_VERSION_MAJOR) + "." +
         std::to_string(simdjson::SIMDJSON_VERSION_MINOR) + "." +
         std::to_string(simdjson::SIMDJSON_VERSION_REVISION) + " (" +
         simdjson::get_active_implementation()->name() + ")\n";
  return out;
}

}  // namespace flickrfs::cli
