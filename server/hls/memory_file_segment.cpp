// File-backed segment bytes: created once per segment, mapped read-only, closed with the last
// reference (a response still sending it keeps it alive).
#include "server/hls/memory_file_segment.hpp"

#include <cerrno>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "server/logging.hpp"
#include "server/net/mapped_bytes.hpp"

namespace liverelay {
namespace {

// A new file holding `bytes`, or -1.
int file_with(std::span<const uint8_t> bytes, int fd) {
  if (fd < 0) return -1;
  if (!write_all_at(fd, bytes, 0)) {
    ::close(fd);
    return -1;
  }
  return fd;
}

hls::SharedSegmentBytes fall_back(std::span<const uint8_t> bytes, const char* what) {
  const int error = errno;
  static bool warned = false;
  if (!warned) {
    warned = true;
    logger("hls")->warn("segments stay in ordinary memory ({}: {}): served with a copy", what, std::strerror(error));
  }
  return hls::in_memory_segment(media::Buffer(bytes.begin(), bytes.end()));
}

}  // namespace

void note_directory_failure(const std::string& directory) {
  const int error = errno;  // before the logger can touch it
  static bool warned = false;
  if (!warned) {
    warned = true;
    logger("hls")->warn("segments go to memory files, not {} ({})", directory, std::strerror(error));
  }
}

int open_unnamed_file(const std::string& directory, std::string_view name) {
  if (!directory.empty()) {
    const int fd = ::open(directory.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0) return fd;
    note_directory_failure(directory);
  }
  return memfd_create(std::string(name).c_str(), MFD_CLOEXEC);
}

bool write_all_at(int fd, std::span<const uint8_t> bytes, off_t offset) {
  while (!bytes.empty()) {
    const ssize_t n = ::pwrite(fd, bytes.data(), bytes.size(), offset);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes = bytes.subspan(static_cast<size_t>(n));
    offset += n;
  }
  return true;
}

hls::SharedSegmentBytes memory_file_segment(std::span<const uint8_t> bytes, std::string_view name,
                                            const std::string& directory) {
  if (bytes.empty()) return hls::in_memory_segment({});
  int fd = -1;
  if (!directory.empty()) {
    fd = file_with(bytes, open_unnamed_file(directory, name));
    if (fd < 0) note_directory_failure(directory);  // a full disk fails the write, not the open
  }
  if (fd < 0) fd = file_with(bytes, open_unnamed_file({}, name));
  if (fd < 0) return fall_back(bytes, "memfd");
  void* mapped = mmap(nullptr, bytes.size(), PROT_READ, MAP_SHARED, fd, 0);
  if (mapped == MAP_FAILED) {
    ::close(fd);
    return fall_back(bytes, "mmap");
  }
  return std::make_shared<const MappedBytes>(fd, static_cast<const uint8_t*>(mapped), bytes.size());
}

}  // namespace liverelay
