// See thumbnailer.hpp.
#include "fs/thumbnail/thumbnailer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

#include "api/call_budget.hpp"
#include "fs/thumbnail/image_codec.hpp"

namespace flickrfs::fs::thumbnail {

namespace {

// A remembered set of finished pictures is a convenience (no re-check on a re-listing);
// past this many it starts over rather than grow for the mount's life.
constexpr std::size_t kDoneKept = 200'000;
constexpr std::chrono::milliseconds kGatePoll{50};

std::string dir_path(const model::Tree& tree, const model::Node& dir) {
  std::vector<std::string> names;
  model::Node node = dir;
  while (node.ino != model::kRootIno) {
    names.push_back(tree.name_of(node));
    const auto parent = tree.node(tree.parent_of(node));
    if (!parent) break;
    node = *parent;
  }
  std::string path;
  for (auto it = names.rbegin(); it != names.rend(); ++it)
    path += "/" + *it;
  return path;
}

bool is_picture_dir(model::NodeKind kind) {
  return kind == model::NodeKind::page_dir || kind == model::NodeKind::album_dir ||
         kind == model::NodeKind::size_page_dir || kind == model::NodeKind::favorites;
}

// The regular file a picture entry shows (the link's target for an album link).
std::optional<model::Node> shown_file(const model::Tree& tree, const model::Node& entry) {
  if (entry.kind == model::NodeKind::image_file || entry.kind == model::NodeKind::size_file) {
    return entry;
  }
  if (entry.kind == model::NodeKind::album_link && tree.has_image(entry.index)) {
    return tree.node(tree.photo(entry.index).files[0].ino);
  }
  return std::nullopt;
}

std::optional<std::string> read_small_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), {});
}

Result<void> ensure_dir(const std::string& path) {
  // The spec wants the thumbnail directories private (0700).
  for (std::size_t slash = 1; slash != std::string::npos; slash = path.find('/', slash + 1)) {
    const std::string prefix = path.substr(0, slash);
    if (slash > 1 && ::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) {
      return make_error(Errc::io, "cannot create " + prefix);
    }
  }
  if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
    return make_error(Errc::io, "cannot create " + path);
  }
  return success();
}

}  // namespace

std::vector<ThumbnailJob> jobs_for_listing(const model::Tree& tree, const model::Node& dir,
                                           const std::string& mountpoint) {
  std::vector<ThumbnailJob> jobs;
  if (!is_picture_dir(dir.kind)) return jobs;
  const std::string prefix = mountpoint + dir_path(tree, dir) + "/";
  (void)tree.list(dir.ino, 0, [&](const model::DirEntry& entry, std::uint64_t) {
    const auto node = tree.node(entry.ino);
    if (!node) return true;
    const auto file = shown_file(tree, *node);
    if (!file) return true;
    const model::PhotoRecord record = tree.photo(file->index);
    ThumbnailJob job;
    job.uri = file_uri(prefix + entry.name);
    job.name = thumbnail_name(job.uri);
    job.mtime = record.taken_mtime;  // the file's, and for a link its target's (as tumbler)
    job.size = tree.file_size(*file);
    job.mimetype = mimetype_for_extension(tree.file(*file).choice.ext);
    job.photo_id = record.photo.id;
    job.secret = record.photo.secret;
    jobs.push_back(std::move(job));
    return true;
  });
  return jobs;
}

Thumbnailer::Thumbnailer(cache::BlobStore& blobs, api::WorkQueue& queue, SizesLookup sizes,
                         ThumbnailerOptions options, Gate online, Gate may_request)
    : m_blobs(blobs),
      m_sizes(std::move(sizes)),
      m_options(std::move(options)),
      m_online(std::move(online)),
      m_may_request(std::move(may_request)),
      m_tasks(queue, api::Priority::thumbnails) {}

Thumbnailer::~Thumbnailer() {
  stop();
}

void Thumbnailer::stop() {
  std::unique_lock lock(m_mutex);
  m_stop = true;
  m_queue.clear();
  m_idle.notify_all();
  m_tasks.wait_returned(lock);
}

void Thumbnailer::note_listing(const std::shared_ptr<const model::Tree>& tree,
                               const model::Node& dir) {
  if (!is_picture_dir(dir.kind)) return;
  {
    std::lock_guard lock(m_mutex);
    if (m_stop || (dir.ino == m_dir && !m_queue.empty())) return;  // a re-listing
  }
  std::vector<ThumbnailJob> jobs = jobs_for_listing(*tree, dir, m_options.mountpoint);
  {
    std::lock_guard lock(m_mutex);
    if (m_stop) return;
    if (dir.ino != m_dir) {
      m_dir = dir.ino;
      ++m_generation;  // running jobs of the directory left stop before their download
      m_queue.clear();
      m_idle.notify_all();  // a wait_for_dir() of the directory left ends
    }
    for (auto& job : jobs) {
      if (!m_done.contains(job.name)) m_queue.push_back(std::move(job));
    }
    start_tasks_locked();
  }
}

void Thumbnailer::start_tasks_locked() {
  // Tasks not started yet each take one picture. A refusal: the queue is shutting down.
  (void)m_tasks.top_up_locked(
      m_options.workers,
      [this] { return !m_stop && m_tasks.count_locked() - m_running < m_queue.size(); },
      [this] { task(); });
}

bool Thumbnailer::current(std::uint64_t generation) const {
  std::lock_guard lock(m_mutex);
  return !m_stop && generation == m_generation;
}

bool Thumbnailer::wait_for_dir(model::Ino dir, std::chrono::milliseconds bound) {
  std::unique_lock lock(m_mutex);
  return m_idle.wait_for(
      lock, bound, [&] { return m_stop || m_dir != dir || (m_queue.empty() && m_running == 0); });
}

bool Thumbnailer::wait_idle(std::chrono::milliseconds bound) {
  std::unique_lock lock(m_mutex);
  return m_idle.wait_for(lock, bound, [&] { return m_queue.empty() && m_running == 0; });
}

void Thumbnailer::task() {
  std::unique_lock lock(m_mutex);
  if (!m_stop && !m_queue.empty()) {  // the queue may have been dropped since the submit
    ThumbnailJob job = std::move(m_queue.front());
    m_queue.pop_front();
    const std::uint64_t generation = m_generation;
    ++m_running;
    lock.unlock();
    const Outcome outcome = run(job, generation);
    lock.lock();
    --m_running;
    switch (outcome) {
      case Outcome::written:
        ++m_stats.written;
        break;
      case Outcome::valid:
        ++m_stats.valid;
        break;
      case Outcome::failed:
        ++m_stats.failed;
        break;
      case Outcome::offline:
        ++m_stats.offline;
        break;
      case Outcome::dropped:
        break;
    }
    if (outcome == Outcome::written || outcome == Outcome::valid) {
      if (m_done.size() >= kDoneKept) m_done.clear();
      m_done.insert(job.name);
    }
    if (m_queue.empty() && m_running == 0) m_idle.notify_all();
  }
  m_tasks.returned_locked();
  start_tasks_locked();  // the next picture is a new task, behind what was queued meanwhile
}

bool Thumbnailer::all_valid(const ThumbnailJob& job) const {
  for (const Flavor flavor : m_options.flavors) {
    const auto bytes =
        read_small_file(m_options.root + "/" + std::string(flavor_name(flavor)) + "/" + job.name);
    if (!bytes) return false;
    const auto info = read_png_info(*bytes);
    if (!info.ok()) return false;
    const auto uri = info->text.find("Thumb::URI");
    const auto mtime = info->text.find("Thumb::MTime");
    // tumbler writes "1250906405.000000", GNOME and we write "1250906405".
    if (uri == info->text.end() || mtime == info->text.end() || uri->second != job.uri ||
        std::strtoll(mtime->second.c_str(), nullptr, 10) != job.mtime) {
      return false;
    }
  }
  return true;
}

Result<std::string> Thumbnailer::rendition_bytes(const ThumbnailJob& job, const api::Size& size,
                                                 std::uint64_t generation, bool& offline) {
  const cache::BlobKey key{job.photo_id, job.secret, size.label};
  auto cached = m_blobs.open_cached(key);
  std::optional<cache::BlobReader> reader;
  if (cached.ok() && cached->has_value()) reader = std::move(**cached);
  if (!reader) {
    if (!m_online()) {
      offline = true;
      return make_error(Errc::offline, "offline and the rendition is not cached");
    }
    // Foreground first: wait while the image bucket has no token to spare.
    while (!m_may_request()) {
      if (!current(generation)) return make_error(Errc::interrupted, "directory left");
      std::this_thread::sleep_for(kGatePoll);
    }
    if (!current(generation)) return make_error(Errc::interrupted, "directory left");
    FLICKRFS_TRY(auto opened, m_blobs.open(key, cache::BlobSource{size.source, std::nullopt}));
    reader.emplace(std::move(opened));
  }
  std::string bytes;
  char buffer[64 * 1024];
  for (std::uint64_t offset = 0;;) {
    FLICKRFS_TRY(const std::size_t got, reader->read(offset, buffer));
    if (got == 0) break;
    bytes.append(buffer, got);
    offset += got;
  }
  if (!reader->from_cache()) {
    std::lock_guard lock(m_mutex);
    ++m_stats.downloads;
    m_stats.rendition_bytes += bytes.size();
  }
  return bytes;
}

Result<void> Thumbnailer::write(const ThumbnailJob& job, Flavor flavor,
                                const std::string& png) const {
  const std::string dir = m_options.root + "/" + std::string(flavor_name(flavor));
  FLICKRFS_CHECK(ensure_dir(dir));
  // A temporary name in the same directory, then rename: a file manager never reads a half
  // written thumbnail. No fsync: the cache is rebuilt from Flickr if a crash loses it.
  std::string temp = dir + "/." + job.name + ".flickrfs-XXXXXX";
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) return make_error(Errc::io, "cannot create a thumbnail in " + dir);
  (void)::fchmod(fd, 0600);
  std::size_t done = 0;
  while (done < png.size()) {
    const ssize_t n = ::write(fd, png.data() + done, png.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      ::unlink(temp.c_str());
      return make_error(Errc::io, "cannot write a thumbnail in " + dir);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0 || ::rename(temp.c_str(), (dir + "/" + job.name).c_str()) != 0) {
    ::unlink(temp.c_str());
    return make_error(Errc::io, "cannot store a thumbnail in " + dir);
  }
  return success();
}

Thumbnailer::Outcome Thumbnailer::run(const ThumbnailJob& job, std::uint64_t generation) {
  if (!current(generation)) return Outcome::dropped;
  if (all_valid(job)) return Outcome::valid;
  auto sizes = m_sizes(job.photo_id);
  if (!sizes.ok()) return Outcome::failed;
  // One rendition for every flavor: the one the largest flavor needs (smaller ones are
  // scaled from it), so a picture costs one image request.
  Flavor largest = m_options.flavors.front();
  for (const Flavor flavor : m_options.flavors) {
    if (flavor_pixels(flavor) > flavor_pixels(largest)) largest = flavor;
  }
  const api::Size* size = choose_rendition(*sizes, largest);
  if (size == nullptr) return Outcome::failed;
  bool offline = false;
  auto bytes = rendition_bytes(job, *size, generation, offline);
  if (!bytes.ok()) {
    if (offline) return Outcome::offline;
    return bytes.error().code == Errc::interrupted ? Outcome::dropped : Outcome::failed;
  }
  const ThumbMeta meta{job.uri, job.mtime, job.size, job.mimetype};
  auto decoded = decode_jpeg(*bytes, flavor_pixels(largest));
  if (!decoded.ok()) return Outcome::failed;
  for (const Flavor flavor : m_options.flavors) {
    auto png = encode_thumbnail_png(fit_within(*decoded, flavor_pixels(flavor)), meta);
    if (!png.ok() || !write(job, flavor, *png).ok()) return Outcome::failed;
  }
  return Outcome::written;
}

ThumbnailerStats Thumbnailer::stats() const {
  std::lock_guard lock(m_mutex);
  ThumbnailerStats s = m_stats;
  s.queued = m_queue.size() + m_running;
  return s;
}

std::string Thumbnailer::status_lines() const {
  const ThumbnailerStats s = stats();
  std::ostringstream out;
  out << "thumbnails_written=" << s.written << "\n";
  out << "thumbnails_valid=" << s.valid << "\n";
  out << "thumbnails_failed=" << s.failed << "\n";
  out << "thumbnails_offline=" << s.offline << "\n";
  out << "thumbnails_queued=" << s.queued << "\n";
  out << "thumbnails_downloads=" << s.downloads << "\n";
  out << "thumbnails_rendition_bytes=" << s.rendition_bytes << "\n";
  return out.str();
}

}  // namespace flickrfs::fs::thumbnail
