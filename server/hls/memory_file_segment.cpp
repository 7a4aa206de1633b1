// memfd-backed segment bytes: created once per segment, mapped read-only, closed with the last
// reference (a response still sending it keeps it alive).
#include "server/hls/memory_file_segment.hpp"

#include <cerrno>
#include <cstring>
#include <string>

#include <sys/mman.h>
#include <unistd.h>

#include "server/logging.hpp"
#include "server/net/mapped_bytes.hpp"

namespace liverelay {
namespace {

bool write_all(int fd, std::span<const uint8_t> bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes = bytes.subspan(static_cast<size_t>(n));
  }
  return true;
}

hls::SharedSegmentBytes fall_back(std::span<const uint8_t> bytes, const char* what) {
  static bool warned = false;
  if (!warned) {
    warned = true;
    logger("hls")->warn("segments stay in ordinary memory ({}: {}): served with a copy", what, std::strerror(errno));
  }
  return hls::in_memory_segment(media::Buffer(bytes.begin(), bytes.end()));
}

}  // namespace

hls::SharedSegmentBytes memory_file_segment(std::span<const uint8_t> bytes, std::string_view name) {
  if (bytes.empty()) return hls::in_memory_segment({});
  const int fd = memfd_create(std::string(name).c_str(), MFD_CLOEXEC);
  if (fd < 0) return fall_back(bytes, "memfd_create");
  if (!write_all(fd, bytes)) {
    ::close(fd);
    return fall_back(bytes, "write");
  }
  void* mapped = mmap(nullptr, bytes.size(), PROT_READ, MAP_SHARED, fd, 0);
  if (mapped == MAP_FAILED) {
    ::close(fd);
    return fall_back(bytes, "mmap");
  }
  return std::make_shared<const MappedBytes>(fd, static_cast<const uint8_t*>(mapped), bytes.size());
}

}  // namespace liverelay
