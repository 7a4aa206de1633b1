// A write-only AVIOContext that appends what libavformat writes to a byte vector (no files).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "protocol/core/error.hpp"

extern "C" {
struct AVIOContext;
}

namespace liverelay::hls {

// Non-seekable on purpose: muxers then stream their output (mp4 fragments, TS packets)
// instead of seeking back to patch sizes. Not movable: the AVIOContext points back at it.
class AvioMemorySink {
 public:
  static Result<std::unique_ptr<AvioMemorySink>> create();
  ~AvioMemorySink();
  AvioMemorySink(const AvioMemorySink&) = delete;
  AvioMemorySink& operator=(const AvioMemorySink&) = delete;

  [[nodiscard]] AVIOContext* context() const { return pb_; }

  // Flushes the AVIO buffer and hands over every byte written since the last take.
  std::vector<uint8_t> take();

 private:
  AvioMemorySink() = default;
  static int on_write(void* opaque, uint8_t* data, int size);

  AVIOContext* pb_ = nullptr;
  std::vector<uint8_t> bytes_;
};

}  // namespace liverelay::hls
