// The in-memory AVIOContext behind the HLS segment muxer.
#include "codec/hls/avio_memory_sink.hpp"

extern "C" {
#include <libavformat/avio.h>
#include <libavutil/mem.h>
}

namespace liverelay::hls {
namespace {

constexpr int kBufferSize = 64 * 1024;

}  // namespace

Result<std::unique_ptr<AvioMemorySink>> AvioMemorySink::create() {
  std::unique_ptr<AvioMemorySink> sink(new AvioMemorySink());
  auto* buffer = static_cast<unsigned char*>(av_malloc(kBufferSize));
  if (buffer == nullptr) return fail(Errc::io, "avio buffer: out of memory");
  sink->pb_ =
      avio_alloc_context(buffer, kBufferSize, 1, sink.get(), nullptr, &AvioMemorySink::on_write, nullptr);
  if (sink->pb_ == nullptr) {
    av_free(buffer);
    return fail(Errc::io, "avio context: out of memory");
  }
  return sink;
}

AvioMemorySink::~AvioMemorySink() {
  if (pb_ == nullptr) return;
  // avio_context_free() leaves the buffer (which libavformat may have reallocated) to us.
  av_freep(&pb_->buffer);
  avio_context_free(&pb_);
}

std::vector<uint8_t> AvioMemorySink::take() {
  avio_flush(pb_);
  std::vector<uint8_t> out;
  out.swap(bytes_);
  return out;
}

int AvioMemorySink::on_write(void* opaque, uint8_t* data, int size) {
  auto* sink = static_cast<AvioMemorySink*>(opaque);
  if (size > 0) sink->bytes_.insert(sink->bytes_.end(), data, data + size);
  return size;
}

}  // namespace liverelay::hls
