// See cache_target.hpp.
#include "fs/cli/cache_target.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <memory>
#include <vector>

#include "cache/cache_dir.hpp"

namespace flickrfs::cli {

namespace {

bool all_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Error bad_pin_path(std::string_view path) {
  return make_error(Errc::invalid_argument,
                    "cannot pin '" + std::string(path) +
                        "': give a mount path MOUNT/sets/<album> or MOUNT/photostream/page-NNNN");
}

}  // namespace

Result<cache::Pin> parse_pin_path(std::string_view path) {
  std::string_view rest = path;
  while (rest.size() > 1 && rest.back() == '/')
    rest.remove_suffix(1);
  auto slash = rest.rfind('/');
  if (slash == std::string_view::npos) return bad_pin_path(path);
  std::string_view name = rest.substr(slash + 1);
  std::string_view parent = rest.substr(0, slash);
  parent = parent.substr(parent.rfind('/') == std::string_view::npos ? 0 : parent.rfind('/') + 1);
  cache::Pin pin;
  if (parent == "sets") {
    auto underscore = name.rfind('_');
    std::string_view id = underscore == std::string_view::npos ? name : name.substr(underscore + 1);
    if (!all_digits(id)) return bad_pin_path(path);
    pin.kind = cache::Pin::Kind::album;
    pin.album_id = std::string(id);
    return pin;
  }
  if (parent == "photostream" && name.starts_with("page-") && all_digits(name.substr(5))) {
    std::string_view digits = name.substr(5);
    std::uint32_t page = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), page);
    if (ec != std::errc() || end != digits.data() + digits.size() || page == 0) {
      return bad_pin_path(path);
    }
    pin.kind = cache::Pin::Kind::page;
    pin.page = page;
    return pin;
  }
  return bad_pin_path(path);
}

Result<std::string> resolve_cached_user(const std::string& cache_dir, std::string_view user) {
  if (user.find('@') != std::string_view::npos) return std::string(user);
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(cache_dir.c_str()), &::closedir);
  if (!dir) {
    if (errno == ENOENT) return make_error(Errc::not_found, "nothing is cached in " + cache_dir);
    return error_from_errno(errno, "open " + cache_dir);
  }
  std::vector<std::string> users;
  while (dirent* entry = ::readdir(dir.get())) {
    std::string name = entry->d_name;
    struct stat st {};
    if (name == "." || name == ".." ||
        ::stat((cache_dir + "/" + name + "/meta.lmdb").c_str(), &st) != 0) {
      continue;
    }
    if (auto nsid = cache::decode_path_component(name)) users.push_back(*nsid);
  }
  if (users.empty()) return make_error(Errc::not_found, "nothing is cached in " + cache_dir);
  if (users.size() > 1) {
    std::sort(users.begin(), users.end());
    std::string list;
    for (const auto& u : users)
      list += (list.empty() ? "" : ", ") + u;
    return make_error(Errc::config, "several users are cached in " + cache_dir + " (" + list +
                                        "); pass --user NSID");
  }
  return users.front();
}

}  // namespace flickrfs::cli
