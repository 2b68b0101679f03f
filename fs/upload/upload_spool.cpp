// Upload spool state (see upload_spool.hpp).
#include "fs/upload/upload_spool.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "cache/cache_dir.hpp"
#include "fs/upload/spool_io.hpp"

namespace flickrfs::upload {

using spool_io::sys_error;

namespace {

const char* state_name(SpoolRecord::State state) {
  switch (state) {
    case SpoolRecord::State::sending:
      return "sending";
    case SpoolRecord::State::ticket:
      return "ticket";
    case SpoolRecord::State::done:
      return "done";
  }
  return "sending";
}

Result<SpoolRecord> parse_line(const std::string& line, const std::string& file) {
  // 9 fields; the older format has 7 (no title, no album): path is always the rest.
  const int tabs = std::count(line.begin(), line.end(), '\t') >= 8 ? 8 : 6;
  std::vector<std::string> fields;
  std::size_t start = 0;
  for (int k = 0; k < tabs; ++k) {
    const auto tab = line.find('\t', start);
    if (tab == std::string::npos) break;
    fields.push_back(line.substr(start, tab - start));
    start = tab + 1;
  }
  fields.push_back(line.substr(start));
  if (fields.size() != static_cast<std::size_t>(tabs) + 1) {
    return make_error(Errc::corrupt, file + ": malformed line");
  }
  if (tabs == 6) fields.insert(fields.begin() + 6, 2, std::string());
  SpoolRecord r;
  if (fields[0] == "sending")
    r.state = SpoolRecord::State::sending;
  else if (fields[0] == "ticket")
    r.state = SpoolRecord::State::ticket;
  else if (fields[0] == "done")
    r.state = SpoolRecord::State::done;
  else
    return make_error(Errc::corrupt, file + ": unknown state '" + fields[0] + "'");
  r.size = std::strtoull(fields[1].c_str(), nullptr, 10);
  r.sha256 = fields[2];
  r.ticket = fields[3];
  r.photo_id = fields[4];
  r.sent_at = std::strtoll(fields[5].c_str(), nullptr, 10);
  r.title = fields[6];
  r.album = fields[7];
  r.path = fields[8];
  return r;
}

}  // namespace

Result<UploadSpool> UploadSpool::open(const std::string& dir, const std::string& owner) {
  FLICKRFS_CHECK(cache::ensure_private_dir(dir));
  UploadSpool spool;
  spool.m_dir = dir;
  const std::string lock_path = dir + "/lock";
  spool.m_lock = cache::UniqueFd(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!spool.m_lock.valid()) return sys_error(lock_path);
  if (::flock(spool.m_lock.get(), LOCK_EX | LOCK_NB) != 0) {
    return make_error(Errc::io,
                      "another " + owner + " is using the spool (" + lock_path + " locked)");
  }
  std::ifstream in(dir + "/state");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    FLICKRFS_TRY(SpoolRecord record, parse_line(line, dir + "/state"));
    spool.m_records.push_back(std::move(record));
  }
  return spool;
}

SpoolRecord* UploadSpool::find(const std::string& path, std::uint64_t size,
                               const std::string& sha256) {
  for (auto& r : m_records) {
    if (r.path == path && r.size == size && r.sha256 == sha256) return &r;
  }
  return nullptr;
}

SpoolRecord& UploadSpool::add(SpoolRecord record) {
  m_records.push_back(std::move(record));
  return m_records.back();
}

void UploadSpool::remove_if(const std::function<bool(const SpoolRecord&)>& drop) {
  std::erase_if(m_records, drop);
}

Result<void> UploadSpool::save() const {
  std::ostringstream out;
  for (const auto& r : m_records) {
    out << state_name(r.state) << '\t' << r.size << '\t' << r.sha256 << '\t' << r.ticket << '\t'
        << r.photo_id << '\t' << r.sent_at << '\t' << r.title << '\t' << r.album << '\t' << r.path
        << '\n';
  }
  const std::string text = out.str();
  const std::string target = m_dir + "/state";
  const std::string temp = target + ".tmp";
  cache::UniqueFd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!fd.valid()) return sys_error(temp);
  FLICKRFS_CHECK(cache::write_all_at(fd.get(), text, 0, temp));
  if (::fsync(fd.get()) != 0) return sys_error(temp);
  if (::rename(temp.c_str(), target.c_str()) != 0) return sys_error(target);
  return cache::fsync_dir(m_dir);
}

}  // namespace flickrfs::upload
