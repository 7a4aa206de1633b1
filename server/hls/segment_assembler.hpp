// Low-latency HLS: one segment's bytes built part by part in an unnamed file (see
// memory_file_segment.hpp). Each part is a window into the segment (parts and segment share one
// copy of the bytes) and the finished segment is the whole file, sent with sendfile() like any
// other.
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
  // file grows past it when needed. The file is an O_TMPFILE in `directory` or, without one or
  // when it fails (a full disk), a memory file labelled `name` (/proc/<pid>/fd).
  SegmentAssembler(std::string name, size_t capacity_hint, std::string directory = {});

  // Appends a part and returns its bytes.
  hls::SharedSegmentBytes append(std::span<const uint8_t> part);
  // Every part so far, as one segment.
  [[nodiscard]] hls::SharedSegmentBytes whole() const;
  [[nodiscard]] size_t size() const { return size_; }

 private:
  // Moves the bytes so far into a file of at least `capacity` bytes. Parts already handed out
  // keep the old file alive for as long as someone sends them.
  bool reserve(size_t capacity);

  // Appends at size_ (pwrite: a disk file system's page cache then holds large folios), or
  // copies into the anonymous mapping when no file could be had.
  bool write_at_end(std::span<const uint8_t> part);

  std::string name_;
  std::string directory_;  // emptied when it fails: memory files from then on
  std::shared_ptr<const MappedBytes> file_;  // the read-only mapping, `capacity_` bytes
  const uint8_t* bytes_ = nullptr;           // its start
  uint8_t* anonymous_ = nullptr;             // writable, when there is no file
  size_t capacity_ = 0;
  size_t size_ = 0;
};

}  // namespace liverelay
