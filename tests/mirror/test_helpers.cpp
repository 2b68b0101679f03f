#include "tests/mirror/test_helpers.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>

namespace flickrfs::test {

namespace fsys = std::filesystem;

namespace {

struct Node {
  struct stat st {};
  std::string link;
};

std::map<std::string, Node> list_tree(const std::string& root,
                                      const std::vector<std::string>& ignore_top) {
  std::map<std::string, Node> out;
  std::error_code ec;
  for (auto it = fsys::recursive_directory_iterator(root, ec);
       it != fsys::recursive_directory_iterator(); it.increment(ec)) {
    const std::string rel = it->path().lexically_relative(root).string();
    if (it.depth() == 0 &&
        std::find(ignore_top.begin(), ignore_top.end(), rel) != ignore_top.end()) {
      it.disable_recursion_pending();
      continue;
    }
    Node node;
    ::lstat(it->path().c_str(), &node.st);
    if (S_ISLNK(node.st.st_mode)) node.link = fsys::read_symlink(it->path()).string();
    out.emplace(rel, node);
  }
  return out;
}

std::string describe_time(const timespec& t) {
  return std::to_string(t.tv_sec) + "." + std::to_string(t.tv_nsec);
}

void compare_node(const std::string& rel, const std::string& expected_root,
                  const std::string& actual_root, const Node& e, const Node& a,
                  std::vector<std::string>& diffs) {
  if ((e.st.st_mode & S_IFMT) != (a.st.st_mode & S_IFMT)) {
    diffs.push_back(rel + ": kind differs");
    return;
  }
  if (!S_ISLNK(e.st.st_mode) && (e.st.st_mode & 07777) != (a.st.st_mode & 07777)) {
    diffs.push_back(rel + ": mode differs");
  }
  if (e.st.st_mtim.tv_sec != a.st.st_mtim.tv_sec || e.st.st_mtim.tv_nsec != a.st.st_mtim.tv_nsec) {
    diffs.push_back(rel + ": mtime " + describe_time(e.st.st_mtim) + " vs " +
                    describe_time(a.st.st_mtim));
  }
  if (S_ISLNK(e.st.st_mode) && e.link != a.link) diffs.push_back(rel + ": link target differs");
  if (S_ISREG(e.st.st_mode) &&
      (e.st.st_size != a.st.st_size ||
       read_file(expected_root + "/" + rel) != read_file(actual_root + "/" + rel))) {
    diffs.push_back(rel + ": content differs");
  }
}

}  // namespace

std::vector<std::string> compare_trees(const std::string& expected, const std::string& actual,
                                       const std::vector<std::string>& ignore_top,
                                       bool compare_top_dir_attrs) {
  std::vector<std::string> diffs;
  const auto e = list_tree(expected, {});
  const auto a = list_tree(actual, ignore_top);
  for (const auto& [rel, node] : e) {
    const auto it = a.find(rel);
    if (it == a.end()) {
      diffs.push_back(rel + ": missing");
    } else {
      compare_node(rel, expected, actual, node, it->second, diffs);
    }
  }
  for (const auto& [rel, node] : a) {
    if (e.count(rel) == 0) diffs.push_back(rel + ": extra");
  }
  if (compare_top_dir_attrs) {
    Node top_e, top_a;
    ::stat(expected.c_str(), &top_e.st);
    ::stat(actual.c_str(), &top_a.st);
    compare_node(".", expected, actual, top_e, top_a, diffs);
  }
  return diffs;
}

std::vector<std::string> find_temp_files(const std::string& root) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = fsys::recursive_directory_iterator(root, ec);
       it != fsys::recursive_directory_iterator(); it.increment(ec)) {
    if (it->path().filename().string().find(".flickrfs-tmp-") != std::string::npos) {
      out.push_back(it->path().string());
    }
  }
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

}  // namespace flickrfs::test
