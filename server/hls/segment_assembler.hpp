// Low-latency HLS: one segment's bytes built part by part in a memory file. Each part is a
// window into the segment (parts and segment share one copy of the bytes) and the finished
// segment is the whole file, sent with sendfile() like any other.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "codec/hls/segment_bytes.hpp"
#include "server/net/mapped_bytes.hpp"

namespace liverelay {

class SegmentAssembler {
 public:
  // `capacity_hint`: the size the segment is expected to reach (the previous one's, say); the
  // file grows past it when needed. `name` labels the memory file (/proc/<pid>/fd).
  SegmentAssembler(std::string name, size_t capacity_hint);

  // Appends a part and returns its bytes.
  hls::SharedSegmentBytes append(std::span<const uint8_t> part);
  // Every part so far, as one segment.
  [[nodiscard]] hls::SharedSegmentBytes whole() const;
  [[nodiscard]] size_t size() const { return size_; }

 private:
  // Moves the bytes so far into a file of at least `capacity` bytes. Parts already handed out
  // keep the old file alive for as long as someone sends them.
  bool reserve(size_t capacity);

  std::string name_;
  std::shared_ptr<const MappedBytes> file_;  // the mapping, `capacity_` bytes
  uint8_t* writable_ = nullptr;
  size_t capacity_ = 0;
  size_t size_ = 0;
};

}  // namespace liverelay
