#include "tests/mirror/test_helpers.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>

extern char** environ;

namespace flickrfs::test {

namespace fsys = std::filesystem;

namespace {

std::vector<char*> c_argv(const std::vector<std::string>& argv) {
  std::vector<char*> out;
  for (const auto& arg : argv)
    out.push_back(const_cast<char*>(arg.c_str()));  // NOLINT: posix_spawn takes char*
  out.push_back(nullptr);
  return out;
}

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

// Starts argv with stdout on out_fd, stderr on err_fd and stdin from /dev/null; closes the
// fds in this process.
pid_t spawn_with(const std::vector<std::string>& argv, int out_fd, int err_fd) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_fd, 1);
  posix_spawn_file_actions_adddup2(&actions, err_fd, 2);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  auto args = c_argv(argv);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out_fd);
  if (err_fd != out_fd) ::close(err_fd);
  if (rc != 0) throw std::runtime_error("cannot start " + argv[0]);
  return pid;
}

ProcessResult run_process(const std::vector<std::string>& argv) {
  char out_template[] = "/tmp/flickrfs-proc-out-XXXXXX";
  char err_template[] = "/tmp/flickrfs-proc-err-XXXXXX";
  const pid_t pid = spawn_with(argv, ::mkstemp(out_template), ::mkstemp(err_template));
  ProcessResult result;
  result.exit_code = wait_process(pid);
  result.out = read_file(out_template);
  result.err = read_file(err_template);
  ::unlink(out_template);
  ::unlink(err_template);
  return result;
}

pid_t spawn_process(const std::vector<std::string>& argv, const std::string& log_path) {
  const int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  return spawn_with(argv, log_fd, log_fd);
}

int wait_process(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

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
