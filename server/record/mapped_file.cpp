// Mapped files: open, fstat and mmap (no read: the page cache serves sendfile()).
#include "server/record/mapped_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server/net/mapped_bytes.hpp"

namespace liverelay {

hls::SharedSegmentBytes map_file(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return nullptr;
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode) || info.st_size <= 0) {
    ::close(fd);
    return nullptr;
  }
  const auto size = static_cast<size_t>(info.st_size);
  void* mapped = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (mapped == MAP_FAILED) {
    ::close(fd);
    return nullptr;
  }
  // Files are replaced by rename, never rewritten in place: the mapping stays whole.
  return std::make_shared<const MappedBytes>(fd, static_cast<const uint8_t*>(mapped), size);
}

}  // namespace liverelay
