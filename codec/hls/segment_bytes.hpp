// The bytes of a stored HLS segment: in memory, and possibly also behind a file descriptor that
// the server can hand to sendfile() so the kernel sends them without copying.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "codec/media_packet.hpp"

namespace liverelay::hls {

class SegmentBytes {
 public:
  virtual ~SegmentBytes() = default;
  [[nodiscard]] virtual std::span<const uint8_t> view() const = 0;
  // A descriptor whose content from offset 0 is `view()`, or -1.
  [[nodiscard]] virtual int file_descriptor() const { return -1; }
  [[nodiscard]] size_t size() const { return view().size(); }
};

using SharedSegmentBytes = std::shared_ptr<const SegmentBytes>;

// Bytes in an ordinary buffer (no descriptor).
SharedSegmentBytes in_memory_segment(media::Buffer bytes);

}  // namespace liverelay::hls
