// Mapped files: open, fstat and mmap (no read: the page cache serves sendfile()).
#include "server/record/mapped_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace liverelay {
namespace {

class MappedFile final : public hls::SegmentBytes {
 public:
  MappedFile(int fd, const uint8_t* mapped, size_t size) : fd_(fd), mapped_(mapped), size_(size) {}
  ~MappedFile() override {
    munmap(const_cast<uint8_t*>(mapped_), size_);
    ::close(fd_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  [[nodiscard]] std::span<const uint8_t> view() const override { return {mapped_, size_}; }
  [[nodiscard]] int file_descriptor() const override { return fd_; }

 private:
  int fd_;
  const uint8_t* mapped_;
  size_t size_;
};

}  // namespace

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
  return std::make_shared<const MappedFile>(fd, static_cast<const uint8_t*>(mapped), size);
}

}  // namespace liverelay
