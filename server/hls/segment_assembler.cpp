// SegmentAssembler: a sparse unnamed file appended to with pwrite() and read through a shared
// read-only mapping (the page cache keeps the two in step).
#include "server/hls/segment_assembler.hpp"

#include <algorithm>
#include <cstring>

#include <sys/mman.h>
#include <unistd.h>

#include "server/hls/memory_file_segment.hpp"

namespace liverelay {
namespace {

constexpr size_t kMinimumCapacity = size_t{256} * 1024;

// A window of a memory file: a part (no descriptor, since sendfile() only starts at offset 0
// here) or the whole segment so far (with it).
class FileWindow final : public hls::SegmentBytes {
 public:
  FileWindow(std::shared_ptr<const MappedBytes> file, std::span<const uint8_t> window, bool from_start)
      : file_(std::move(file)), window_(window), from_start_(from_start) {}
  [[nodiscard]] std::span<const uint8_t> view() const override { return window_; }
  [[nodiscard]] int file_descriptor() const override { return from_start_ ? file_->file_descriptor() : -1; }

 private:
  std::shared_ptr<const MappedBytes> file_;
  std::span<const uint8_t> window_;
  bool from_start_;
};

size_t page_rounded(size_t bytes) {
  const auto page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  return (bytes + page - 1) / page * page;
}

}  // namespace

SegmentAssembler::SegmentAssembler(std::string name, size_t capacity_hint, std::string directory)
    : name_(std::move(name)), directory_(std::move(directory)) {
  reserve(std::max(capacity_hint, kMinimumCapacity));
}

bool SegmentAssembler::reserve(size_t capacity) {
  capacity = page_rounded(capacity);
  // The file is sparse: only the pages written take memory, whatever the capacity.
  int fd = open_unnamed_file(directory_, name_);
  if (fd >= 0 && ftruncate(fd, static_cast<off_t>(capacity)) != 0) {
    ::close(fd);
    fd = -1;
  }
  void* mapped = fd >= 0 ? mmap(nullptr, capacity, PROT_READ, MAP_SHARED, fd, 0)
                         : mmap(nullptr, capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapped == MAP_FAILED) {
    if (fd >= 0) ::close(fd);
    return false;
  }
  auto* bytes = static_cast<uint8_t*>(mapped);
  const std::span<const uint8_t> so_far(bytes_, size_);
  if (fd >= 0 && !write_all_at(fd, so_far, 0)) {
    munmap(mapped, capacity);
    ::close(fd);
    return false;
  }
  if (fd < 0 && size_ > 0) std::memcpy(bytes, so_far.data(), size_);
  file_ = std::make_shared<const MappedBytes>(fd, bytes, capacity);
  bytes_ = bytes;
  anonymous_ = fd < 0 ? bytes : nullptr;
  capacity_ = capacity;
  return true;
}

bool SegmentAssembler::write_at_end(std::span<const uint8_t> part) {
  if (anonymous_ != nullptr) {
    std::memcpy(anonymous_ + size_, part.data(), part.size());
    return true;
  }
  return write_all_at(file_->file_descriptor(), part, static_cast<off_t>(size_));
}

hls::SharedSegmentBytes SegmentAssembler::append(std::span<const uint8_t> part) {
  const auto fits = [&] {
    return size_ + part.size() <= capacity_ || reserve(std::max(capacity_ * 2, size_ + part.size()));
  };
  bool written = fits() && write_at_end(part);
  if (!written && !directory_.empty()) {
    // The directory's file system is full (or failing): the segment moves to a memory file.
    note_directory_failure(directory_);
    directory_.clear();
    written = reserve(std::max(capacity_, size_ + part.size())) && write_at_end(part);
  }
  if (!written) {
    // No memory for a file or mapping: the part alone, in ordinary memory, is still worth serving.
    return hls::in_memory_segment(media::Buffer(part.begin(), part.end()));
  }
  const std::span<const uint8_t> window(bytes_ + size_, part.size());
  size_ += part.size();
  return std::make_shared<const FileWindow>(file_, window, false);
}

hls::SharedSegmentBytes SegmentAssembler::whole() const {
  if (!file_) return hls::in_memory_segment({});
  return std::make_shared<const FileWindow>(file_, std::span<const uint8_t>(bytes_, size_), true);
}

}  // namespace liverelay
