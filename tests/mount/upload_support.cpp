// See upload_support.hpp.
#include "tests/mount/upload_support.hpp"

#include <fstream>
#include <random>

namespace flickrfs::test {

std::vector<Picture> make_pictures(const std::string& dir, int count, int seed,
                                   std::size_t min_size) {
  std::vector<Picture> out;
  std::mt19937 random(static_cast<unsigned>(seed));
  for (int k = 0; k < count; ++k) {
    std::string bytes = "\xFF\xD8\xFF\xE0";
    const std::size_t size = min_size + random() % 6000;
    for (std::size_t i = 0; i < size; ++i)
      bytes.push_back(static_cast<char>(random() & 0xFF));
    bytes += "\xFF\xD9";
    Picture p;
    p.stem = "pic-" + std::to_string(seed) + "-" + std::to_string(k);
    p.path = dir + "/" + p.stem + ".jpg";
    std::ofstream(p.path, std::ios::binary) << bytes;
    p.sha256 = sha256_hex(bytes);
    p.size = bytes.size();
    out.push_back(p);
  }
  return out;
}

std::string original_sha(const ManifestPhoto& photo) {
  for (const auto& size : photo.sizes) {
    if (size.label == "Original") return size.sha256;
  }
  return "";
}

std::map<std::string, std::vector<std::string>> by_original(const Manifest& manifest) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& photo : manifest.photos)
    out[original_sha(photo)].push_back(photo.id);
  return out;
}

std::vector<std::string> cp_command(const std::vector<Picture>& pictures, const std::string& to) {
  std::vector<std::string> argv = {"cp"};
  for (const auto& p : pictures)
    argv.push_back(p.path);
  argv.push_back(to);
  return argv;
}

std::string spool_dir(const MountWork& work) {
  return work.cache() + "/12345678@N00/mount-uploads";
}

bool spool_empty(const MountWork& work) {
  const std::string dir = spool_dir(work);
  std::ifstream state(dir + "/state");
  std::string line;
  const bool no_records = !std::getline(state, line) || line.empty();
  return list_dir(dir + "/files").empty() && list_dir(dir + "/jobs").empty() &&
         list_dir(dir + "/incoming").empty() && no_records;
}

std::string last_page(const std::string& root) {
  const auto pages = list_dir(root + "/photostream");
  return pages.empty() ? "" : root + "/photostream/" + pages.back();
}

}  // namespace flickrfs::test
