// Bytes behind a file descriptor and a read-only mapping of it: served from the mapping (the
// bytes a slow client's queue takes) or with sendfile() from the descriptor, with no copy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "codec/hls/segment_bytes.hpp"

namespace liverelay {

class MappedBytes final : public hls::SegmentBytes {
 public:
  // Adopts `fd` and the mapping of `size` bytes at `mapped`: both are released on destruction.
  MappedBytes(int fd, const uint8_t* mapped, size_t size) : fd_(fd), mapped_(mapped), size_(size) {}
  ~MappedBytes() override;
  MappedBytes(const MappedBytes&) = delete;
  MappedBytes& operator=(const MappedBytes&) = delete;

  [[nodiscard]] std::span<const uint8_t> view() const override { return {mapped_, size_}; }
  [[nodiscard]] int file_descriptor() const override { return fd_; }

 private:
  int fd_;
  const uint8_t* mapped_;
  size_t size_;
};

}  // namespace liverelay
