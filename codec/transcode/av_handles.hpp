// Owners for the libavcodec / libswresample objects the transcoders hold, and libav errors as Errors.
#pragma once

#include <memory>
#include <span>
#include <string_view>

#include "protocol/core/error.hpp"

extern "C" {
struct AVAudioFifo;
struct AVCodecContext;
struct AVFrame;
struct AVPacket;
struct SwrContext;
}

namespace liverelay::transcode {

struct AvFree {
  void operator()(AVCodecContext* context) const;
  void operator()(AVFrame* frame) const;
  void operator()(AVPacket* packet) const;
  void operator()(SwrContext* resampler) const;
  void operator()(AVAudioFifo* fifo) const;
};

using CodecContextPtr = std::unique_ptr<AVCodecContext, AvFree>;
using FramePtr = std::unique_ptr<AVFrame, AvFree>;
using PacketPtr = std::unique_ptr<AVPacket, AvFree>;
using ResamplerPtr = std::unique_ptr<SwrContext, AvFree>;
using AudioFifoPtr = std::unique_ptr<AVAudioFifo, AvFree>;

// "aac decode: Invalid data found when processing input". Out of memory is always Errc::io;
// other codes take `errc`: Errc::malformed where the input is to blame (a decoder refusing a
// packet, whatever code it picks), Errc::io where our own settings or the library are.
Error av_error(int code, std::string_view what, Errc errc = Errc::io);

// A codec context for the named libavcodec codec ("aac", "libopus", "h264", "libx264").
Result<CodecContextPtr> alloc_codec_context(const char* codec_name, bool encoder);

// Copies `bytes` into the context's extradata, with the zeroed padding libavcodec reads past it.
Result<void> set_extradata(AVCodecContext& context, std::span<const uint8_t> bytes);

// One packet and one frame, allocated together since every transcoder needs both.
Result<void> alloc_frame_and_packet(FramePtr& frame, PacketPtr& packet);

// Copies `bytes` into `packet` (padded, as decoders need).
Result<void> fill_packet(AVPacket& packet, std::span<const uint8_t> bytes);

}  // namespace liverelay::transcode
