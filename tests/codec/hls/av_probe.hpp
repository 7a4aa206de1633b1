// Test helper: demuxes segment bytes from memory with libavformat, as a player would read them.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

extern "C" {
#include <libavformat/avformat.h>
#include <libavutil/mem.h>
}

namespace liverelay::testing {

struct ProbedPacket {
  AVMediaType type = AVMEDIA_TYPE_UNKNOWN;
  int64_t pts_us = 0;
  int64_t dts_us = 0;
  bool keyframe = false;
};

struct Probe {
  std::string error;  // empty when the bytes opened and read to the end
  std::vector<AVMediaType> types;
  std::vector<AVCodecID> codecs;
  std::vector<ProbedPacket> packets;

  [[nodiscard]] std::vector<ProbedPacket> of(AVMediaType type) const {
    std::vector<ProbedPacket> out;
    for (const auto& packet : packets)
      if (packet.type == type) out.push_back(packet);
    return out;
  }
  [[nodiscard]] AVCodecID codec(AVMediaType type) const {
    for (size_t i = 0; i < types.size(); ++i)
      if (types[i] == type) return codecs[i];
    return AV_CODEC_ID_NONE;
  }
};

struct MemoryReader {
  std::span<const uint8_t> bytes;
  size_t at = 0;

  static int read(void* opaque, uint8_t* buf, int size) {
    auto* self = static_cast<MemoryReader*>(opaque);
    const size_t n = std::min(static_cast<size_t>(size), self->bytes.size() - self->at);
    if (n == 0) return AVERROR_EOF;
    std::memcpy(buf, self->bytes.data() + self->at, n);
    self->at += n;
    return static_cast<int>(n);
  }
  static int64_t seek(void* opaque, int64_t offset, int whence) {
    auto* self = static_cast<MemoryReader*>(opaque);
    const auto size = static_cast<int64_t>(self->bytes.size());
    if (whence & AVSEEK_SIZE) return size;
    const int64_t base = (whence & 3) == SEEK_CUR   ? static_cast<int64_t>(self->at)
                         : (whence & 3) == SEEK_END ? size
                                                    : 0;
    if (base + offset < 0 || base + offset > size) return -1;
    self->at = static_cast<size_t>(base + offset);
    return base + offset;
  }
};

inline void read_streams(AVFormatContext* ic, Probe& probe) {
  for (unsigned i = 0; i < ic->nb_streams; ++i) {
    probe.types.push_back(ic->streams[i]->codecpar->codec_type);
    probe.codecs.push_back(ic->streams[i]->codecpar->codec_id);
  }
  AVPacket* pkt = av_packet_alloc();
  while (av_read_frame(ic, pkt) >= 0) {
    const AVStream* st = ic->streams[pkt->stream_index];
    probe.packets.push_back({st->codecpar->codec_type, av_rescale_q(pkt->pts, st->time_base, {1, 1000000}),
                             av_rescale_q(pkt->dts, st->time_base, {1, 1000000}),
                             (pkt->flags & AV_PKT_FLAG_KEY) != 0});
    av_packet_unref(pkt);
  }
  av_packet_free(&pkt);
}

// `format`: "mpegts" or "mp4", named so nothing depends on probing a short buffer.
inline Probe probe_bytes(std::span<const uint8_t> bytes, const char* format) {
  Probe probe;
  MemoryReader reader{bytes};
  constexpr int kBufferSize = 4096;
  auto* buffer = static_cast<uint8_t*>(av_malloc(kBufferSize));
  AVIOContext* pb =
      avio_alloc_context(buffer, kBufferSize, 0, &reader, &MemoryReader::read, nullptr, &MemoryReader::seek);
  AVFormatContext* ic = avformat_alloc_context();
  ic->pb = pb;
  ic->flags |= AVFMT_FLAG_CUSTOM_IO;
  if (avformat_open_input(&ic, nullptr, av_find_input_format(format), nullptr) < 0) {
    probe.error = "open failed";  // avformat_open_input frees ic on failure
  } else if (avformat_find_stream_info(ic, nullptr) < 0) {
    probe.error = "no stream info";
    avformat_close_input(&ic);
  } else {
    read_streams(ic, probe);
    avformat_close_input(&ic);
  }
  av_freep(&pb->buffer);
  avio_context_free(&pb);
  return probe;
}

}  // namespace liverelay::testing
