// DiskWriter: a FIFO of jobs, one uv_work_t in flight at a time; plain POSIX I/O on the worker.
#include "server/record/disk_writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <span>
#include <system_error>

#include <fmt/format.h>

namespace liverelay {

struct DiskJob {
  enum class Kind { write, replace, remove, barrier } kind = Kind::barrier;
  std::filesystem::path path;
  hls::SharedSegmentBytes bytes;             // write
  std::shared_ptr<const std::string> text;   // replace
  DiskWriter::Done done;
  Result<void> outcome;
};

struct DiskWriter::Queue {
  uv_loop_t* loop = nullptr;
  std::deque<DiskJob> jobs;
  bool running = false;
  bool owner_alive = true;
};

namespace {

struct Work {
  uv_work_t request{};
  std::shared_ptr<DiskWriter::Queue> queue;
  DiskJob job;
};

Result<void> io_error(std::string_view what, const std::filesystem::path& path, int error) {
  return fail(Errc::io, fmt::format("{} {}: {}", what, path.filename().string(), std::strerror(error)));
}

Result<void> write_all(int fd, std::span<const uint8_t> bytes, const std::filesystem::path& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error("write", path, errno);
    bytes = bytes.subspan(static_cast<size_t>(n));
  }
  return {};
}

// Writes the whole file; `sync`: flushed to the disk before it is closed.
Result<void> write_file(const std::filesystem::path& path, std::span<const uint8_t> bytes, bool sync) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0 && errno == ENOENT) {
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) return io_error("mkdir for", path, ec.value());
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  }
  if (fd < 0) return io_error("open", path, errno);
  auto written = write_all(fd, bytes, path);
  if (written && sync && ::fdatasync(fd) != 0) written = io_error("fdatasync", path, errno);
  struct stat info {};
  const bool regular = ::fstat(fd, &info) == 0 && S_ISREG(info.st_mode);
  if (::close(fd) != 0 && written) written = io_error("close", path, errno);
  // A truncated file is never listed: removed, it gives its space back (on a full disk, the
  // part of a segment that fitted) and leaves nothing for a later repair to trip on.
  if (!written && regular) ::unlink(path.c_str());
  return written;
}

Result<void> replace_file(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::path temporary = path;
  temporary += ".tmp";
  const auto bytes = std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size());
  // Synced before the rename: after a power cut the name points at the old or the new text,
  // never at an empty file.
  if (auto written = write_file(temporary, bytes, true); !written) return written;
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    auto renamed = io_error("rename to", path, errno);
    ::unlink(temporary.c_str());
    return renamed;
  }
  return {};
}

// On a pool thread: touches only the job.
void run(uv_work_t* request) {
  DiskJob& job = static_cast<Work*>(request->data)->job;
  switch (job.kind) {
    case DiskJob::Kind::write:
      job.outcome = write_file(job.path, job.bytes ? job.bytes->view() : std::span<const uint8_t>{}, false);
      break;
    case DiskJob::Kind::replace:
      job.outcome = replace_file(job.path, *job.text);
      break;
    case DiskJob::Kind::remove: {
      std::error_code ec;
      std::filesystem::remove_all(job.path, ec);
      if (ec) job.outcome = io_error("remove", job.path, ec.value());
      break;
    }
    case DiskJob::Kind::barrier:
      break;
  }
}

void start_next(const std::shared_ptr<DiskWriter::Queue>& queue);

void after(uv_work_t* request, int status) {
  std::unique_ptr<Work> work(static_cast<Work*>(request->data));
  auto queue = std::move(work->queue);
  queue->running = false;
  if (status != 0 && work->job.outcome) work->job.outcome = fail(Errc::io, uv_strerror(status));
  // The next job goes before this one reports: the pool keeps busy while the loop runs `done`.
  start_next(queue);
  if (queue->owner_alive && work->job.done) work->job.done(work->job.outcome);
}

void start_next(const std::shared_ptr<DiskWriter::Queue>& queue) {
  if (queue->running || queue->jobs.empty()) return;
  auto work = std::make_unique<Work>();
  work->queue = queue;
  work->job = std::move(queue->jobs.front());
  queue->jobs.pop_front();
  work->request.data = work.get();
  if (uv_queue_work(queue->loop, &work->request, run, after) != 0) {
    // Only with a bad loop or callback: report it as the job's failure, keep the order.
    auto done = std::move(work->job.done);
    if (queue->owner_alive && done) done(fail(Errc::io, "the thread pool refused the job"));
    start_next(queue);
    return;
  }
  queue->running = true;
  work.release();  // owned by the request until after()
}

}  // namespace

DiskWriter::DiskWriter(uv_loop_t* loop) : queue_(std::make_shared<Queue>()) { queue_->loop = loop; }

DiskWriter::~DiskWriter() {
  queue_->owner_alive = false;
  for (auto& job : queue_->jobs) job.done = nullptr;  // callbacks may point at the owner
}

void DiskWriter::write_file(std::filesystem::path path, hls::SharedSegmentBytes bytes, Done done) {
  queue_->jobs.push_back(DiskJob{DiskJob::Kind::write, std::move(path), std::move(bytes), nullptr, std::move(done), {}});
  start_next(queue_);
}

void DiskWriter::replace_file(std::filesystem::path path, std::shared_ptr<const std::string> text, Done done) {
  queue_->jobs.push_back(DiskJob{DiskJob::Kind::replace, std::move(path), nullptr, std::move(text), std::move(done), {}});
  start_next(queue_);
}

void DiskWriter::remove_tree(std::filesystem::path path, Done done) {
  queue_->jobs.push_back(DiskJob{DiskJob::Kind::remove, std::move(path), nullptr, nullptr, std::move(done), {}});
  start_next(queue_);
}

void DiskWriter::then(Done done) {
  queue_->jobs.push_back(DiskJob{DiskJob::Kind::barrier, {}, nullptr, nullptr, std::move(done), {}});
  start_next(queue_);
}

Result<void> replace_file_now(const std::filesystem::path& path, const std::string& text) {
  return replace_file(path, text);
}

bool DiskWriter::idle() const { return !queue_->running && queue_->jobs.empty(); }

}  // namespace liverelay
