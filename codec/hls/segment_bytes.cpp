// Segment bytes held in an ordinary buffer.
#include "codec/hls/segment_bytes.hpp"

namespace liverelay::hls {
namespace {

class BufferSegmentBytes final : public SegmentBytes {
 public:
  explicit BufferSegmentBytes(media::Buffer bytes) : bytes_(std::move(bytes)) {}
  [[nodiscard]] std::span<const uint8_t> view() const override { return bytes_; }

 private:
  media::Buffer bytes_;
};

}  // namespace

SharedSegmentBytes in_memory_segment(media::Buffer bytes) {
  return std::make_shared<const BufferSegmentBytes>(std::move(bytes));
}

}  // namespace liverelay::hls
