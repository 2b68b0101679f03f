// See state_file.hpp.
#include "fs/mirror/state_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <fstream>
#include <iterator>
#include <sstream>
#include <utility>

#include "fs/mirror/atomic_file.hpp"

namespace flickrfs::mirror {

namespace {

constexpr std::string_view kStateHeader = "flickrfs-mirror-state 1";

std::string state_dir(const std::string& dest) {
  return join_path(dest, kStateDirName);
}

char kind_letter(EntryKind kind) {
  switch (kind) {
    case EntryKind::directory:
      return 'd';
    case EntryKind::symlink:
      return 'l';
    case EntryKind::file:
      return 'f';
  }
  return 'f';
}

std::vector<std::string_view> split_tabs(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    const auto tab = line.find('\t', start);
    fields.push_back(line.substr(start, tab == std::string_view::npos ? tab : tab - start));
    if (tab == std::string_view::npos) return fields;
    start = tab + 1;
  }
}

template <class Int>
bool parse_int(std::string_view text, Int& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

Result<StateRecord> parse_record(std::string_view line) {
  const auto fields = split_tabs(line);
  StateRecord record;
  std::int64_t seconds = 0;
  long nanos = 0;
  if (fields.size() != 8 || fields[1].size() != 1 || !parse_int(fields[5], record.size) ||
      !parse_int(fields[6], seconds) || !parse_int(fields[7], nanos)) {
    return make_error(Errc::corrupt, "malformed record");
  }
  record.kind = fields[1] == "d"   ? EntryKind::directory
                : fields[1] == "l" ? EntryKind::symlink
                                   : EntryKind::file;
  FLICKRFS_TRY(record.path, unescape_field(fields[0]));
  FLICKRFS_TRY(record.owner, unescape_field(fields[2]));
  FLICKRFS_TRY(record.role, unescape_field(fields[3]));
  FLICKRFS_TRY(record.version, unescape_field(fields[4]));
  record.mtime.tv_sec = static_cast<time_t>(seconds);
  record.mtime.tv_nsec = nanos;
  return record;
}

std::string format_record(const StateRecord& r) {
  std::ostringstream out;
  out << escape_field(r.path) << '\t' << kind_letter(r.kind) << '\t' << escape_field(r.owner)
      << '\t' << escape_field(r.role) << '\t' << escape_field(r.version) << '\t' << r.size << '\t'
      << r.mtime.tv_sec << '\t' << r.mtime.tv_nsec << '\n';
  return out.str();
}

Result<void> append_line(int fd, const std::string& line) {
  // One write(2) with O_APPEND: a concurrent kill leaves a whole line or a torn last line,
  // which replay_journal ignores.
  if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    return error_from_errno(errno, "append to state journal");
  }
  return success();
}

void replay_journal(const std::string& path, MirrorState& state) {
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::size_t start = 0;
  while (true) {
    const auto end = text.find('\n', start);
    if (end == std::string::npos) return;  // torn or no last line
    const std::string_view line(text.data() + start, end - start);
    start = end + 1;
    if (line.size() < 2 || line[1] != '\t') continue;
    if (line[0] == '-') {
      if (auto path_field = unescape_field(line.substr(2))) state.erase(*path_field);
    } else if (auto record = parse_record(line.substr(2))) {
      state.put(std::move(record).value());
    }
  }
}

}  // namespace

std::string escape_field(std::string_view raw) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(raw.size());
  for (const char c : raw) {
    if (c == '%' || c == '\t' || c == '\n' || c == '\r') {
      const auto byte = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[byte >> 4U];
      out += kHex[byte & 0xFU];
    } else {
      out += c;
    }
  }
  return out;
}

Result<std::string> unescape_field(std::string_view escaped) {
  std::string out;
  out.reserve(escaped.size());
  for (std::size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] != '%') {
      out += escaped[i];
      continue;
    }
    unsigned value = 0;
    if (i + 2 >= escaped.size()) return make_error(Errc::corrupt, "truncated escape");
    const auto [end, ec] =
        std::from_chars(escaped.data() + i + 1, escaped.data() + i + 3, value, 16);
    if (ec != std::errc() || end != escaped.data() + i + 3) {
      return make_error(Errc::corrupt, "bad escape");
    }
    out += static_cast<char>(value);
    i += 2;
  }
  return out;
}

Result<MirrorState> MirrorState::load(const std::string& dest) {
  MirrorState state;
  const std::string path = join_path(state_dir(dest), "state.tsv");
  std::ifstream in(path, std::ios::binary);
  if (!in) {  // first run, or a run killed before its first save
    replay_journal(join_path(state_dir(dest), "state.journal"), state);
    return state;
  }
  std::string line;
  std::size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (line_number == 1) {
      if (line != kStateHeader) return make_error(Errc::corrupt, path + ": unknown format");
      continue;
    }
    auto record = parse_record(line);
    if (!record) {
      return make_error(Errc::corrupt, path + ":" + std::to_string(line_number) + ": " +
                                           record.error().message +
                                           " (delete the file to rebuild it)");
    }
    state.put(std::move(record).value());
  }
  replay_journal(join_path(state_dir(dest), "state.journal"), state);
  return state;
}

Result<void> MirrorState::save(const std::string& dest) const {
  FLICKRFS_TRY(const std::string dir, ensure_state_dir(dest));
  std::ostringstream out;
  out << kStateHeader << '\n';
  for (const auto& [path, record] : m_by_path)
    out << format_record(record);
  const std::string text = out.str();
  FLICKRFS_TRY(auto file, AtomicFile::create(join_path(dir, "state.tsv")));
  FLICKRFS_CHECK(file.write(text.data(), text.size()));
  FLICKRFS_CHECK(file.commit(0644, timespec{::time(nullptr), 0}));
  FLICKRFS_CHECK(fsync_directory(dir));
  // The snapshot now holds everything the journal said.
  if (m_journal_fd >= 0 && ::ftruncate(m_journal_fd, 0) != 0) {
    return error_from_errno(errno, "truncate state journal");
  }
  if (m_journal_fd < 0) ::unlink(join_path(dir, "state.journal").c_str());
  return success();
}

MirrorState::MirrorState(MirrorState&& other) noexcept
    : m_by_path(std::move(other.m_by_path)),
      m_paths_by_owner(std::move(other.m_paths_by_owner)),
      m_journal_fd(std::exchange(other.m_journal_fd, -1)) {}

MirrorState& MirrorState::operator=(MirrorState&& other) noexcept {
  if (this != &other) {
    if (m_journal_fd >= 0) ::close(m_journal_fd);
    m_by_path = std::move(other.m_by_path);
    m_paths_by_owner = std::move(other.m_paths_by_owner);
    m_journal_fd = std::exchange(other.m_journal_fd, -1);
  }
  return *this;
}

MirrorState::~MirrorState() {
  if (m_journal_fd >= 0) ::close(m_journal_fd);
}

Result<void> MirrorState::open_journal(const std::string& dest) {
  FLICKRFS_TRY(const std::string dir, ensure_state_dir(dest));
  const std::string path = join_path(dir, "state.journal");
  m_journal_fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (m_journal_fd < 0) return error_from_errno(errno, "open " + path);
  return success();
}

Result<void> MirrorState::journal_put(StateRecord record) {
  const std::string line = "+\t" + format_record(record);
  put(std::move(record));
  return m_journal_fd >= 0 ? append_line(m_journal_fd, line) : success();
}

Result<void> MirrorState::journal_erase(std::string_view path) {
  const std::string line = "-\t" + escape_field(path) + "\n";
  erase(path);
  return m_journal_fd >= 0 ? append_line(m_journal_fd, line) : success();
}

const StateRecord* MirrorState::find(std::string_view path) const {
  const auto it = m_by_path.find(path);
  return it == m_by_path.end() ? nullptr : &it->second;
}

const StateRecord* MirrorState::find_owned(std::string_view owner, std::string_view role) const {
  if (owner.empty()) return nullptr;
  const auto [first, last] = m_paths_by_owner.equal_range(owner);
  for (auto it = first; it != last; ++it) {
    const StateRecord* record = find(it->second);
    if (record != nullptr && record->role == role) return record;
  }
  return nullptr;
}

std::vector<const StateRecord*> MirrorState::owned_by(std::string_view owner) const {
  std::vector<const StateRecord*> out;
  const auto [first, last] = m_paths_by_owner.equal_range(owner);
  for (auto it = first; it != last; ++it) {
    if (const StateRecord* record = find(it->second)) out.push_back(record);
  }
  return out;
}

void MirrorState::put(StateRecord record) {
  erase(record.path);
  if (!record.owner.empty()) m_paths_by_owner.emplace(record.owner, record.path);
  std::string key = record.path;
  m_by_path.emplace(std::move(key), std::move(record));
}

void MirrorState::erase(std::string_view path) {
  const auto it = m_by_path.find(path);
  if (it == m_by_path.end()) return;
  const auto [first, last] = m_paths_by_owner.equal_range(it->second.owner);
  for (auto owned = first; owned != last; ++owned) {
    if (owned->second == path) {
      m_paths_by_owner.erase(owned);
      break;
    }
  }
  m_by_path.erase(it);
}

Result<std::string> ensure_state_dir(const std::string& dest) {
  const std::string dir = state_dir(dest);
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return error_from_errno(errno, "create " + dir);
  }
  return dir;
}

Result<void> write_failed_list(const std::string& dest, const std::vector<std::string>& lines) {
  const std::string path = join_path(state_dir(dest), "failed.txt");
  if (lines.empty()) {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return error_from_errno(errno, path);
    return success();
  }
  FLICKRFS_TRY(const std::string dir, ensure_state_dir(dest));
  std::string text;
  for (const auto& line : lines)
    text += line + '\n';
  FLICKRFS_TRY(auto file, AtomicFile::create(path));
  FLICKRFS_CHECK(file.write(text.data(), text.size()));
  FLICKRFS_CHECK(file.commit(0644, timespec{::time(nullptr), 0}));
  return fsync_directory(dir);
}

Result<int> lock_dest(const std::string& dest) {
  FLICKRFS_TRY(const std::string dir, ensure_state_dir(dest));
  const std::string path = join_path(dir, "lock");
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return error_from_errno(errno, "open " + path);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return make_error(Errc::invalid_argument,
                      "another flickrfs mirror is running into " + dest + " (" + path + ")");
  }
  return fd;
}

}  // namespace flickrfs::mirror
