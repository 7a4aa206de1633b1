// AAC (raw frames, as FLV carries them) to Opus at 48 kHz stereo, for WebRTC playback.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "codec/transcode/av_handles.hpp"
#include "protocol/core/error.hpp"

namespace liverelay::transcode {

struct OpusPacket {
  std::vector<uint8_t> data;  // one Opus packet (RFC 6716), 20 ms
  // In 48 kHz samples (the RTP clock of Opus, RFC 7587), on the input's millisecond timeline:
  // the first packet after an anchor has the anchoring frame's pts_ms * 48, each next one 960
  // more. Re-anchored only when the input jumps (see AacToOpus::push).
  int64_t pts_48k = 0;
};

// Decodes AAC with libavcodec's "aac", resamples to 48 kHz stereo float with libswresample
// (any input rate and layout, mono is spread to both channels) and encodes 20 ms Opus frames
// with "libopus". Synchronous and sans-I/O: the caller runs it on a worker thread.
//
//   auto transcoder = AacToOpus::create(audio_config.specific_config);
//   for each AAC packet: (*transcoder)->push(packet.payload(), packet.pts_ms, out);
//
// Timing: Opus frames are 960 samples and AAC frames 1024 (at 44.1 kHz, 23.2 ms), so packets
// do not line up with input frames; up to 20 ms of audio waits for the next frame. The
// libopus encoder's own look-ahead (312 samples, 6.5 ms, its pre-skip) is not subtracted: it
// is a constant shift a WebRTC receiver cannot be told about and does not notice.
class AacToOpus {
 public:
  // `audio_specific_config` is the AAC sequence header (ISO 14496-3 1.6.2.1). A config that
  // does not parse, or that libavcodec's decoder refuses, is an error. bitrate 6..510 kb/s.
  static Result<std::unique_ptr<AacToOpus>> create(std::span<const uint8_t> audio_specific_config,
                                                   int bitrate_bps = 64000);
  ~AacToOpus();
  AacToOpus(const AacToOpus&) = delete;
  AacToOpus& operator=(const AacToOpus&) = delete;

  // Decodes one raw AAC frame (no ADTS header) and appends every Opus packet now complete.
  // A frame the decoder rejects is an error and leaves the transcoder usable (the frame is
  // lost). The output timeline is anchored at the first frame, then counted in samples so the
  // millisecond rounding of FLV timestamps does not jitter it; it is re-anchored at pts_ms
  // when pts_ms lands more than 100 ms away from where the decoded samples say it should (a
  // gap, a new publisher, a timestamp reset): the samples still buffered are padded with
  // silence to one last packet on the old timeline first.
  Result<void> push(std::span<const uint8_t> raw_aac_frame, int64_t pts_ms, std::vector<OpusPacket>& out);

  // For a new publisher with the same configuration: drops buffered audio and the anchor (the
  // next frame anchors anew). The Opus encoder keeps its state, so the receiver's decoder sees
  // one continuous stream.
  void reset();

 private:
  AacToOpus() = default;
  Result<void> open(std::span<const uint8_t> audio_specific_config, int bitrate_bps);
  Result<void> on_decoded(std::vector<OpusPacket>& out);
  Result<void> anchor_at(int64_t pts_ms, std::vector<OpusPacket>& out);
  Result<void> resample(const AVFrame& frame);
  Result<void> configure_resampler(const AVFrame& frame);
  Result<void> encode_ready(std::vector<OpusPacket>& out);
  Result<void> encode_one(int samples_from_fifo, std::vector<OpusPacket>& out);
  Result<void> receive_packets(std::vector<OpusPacket>& out);

  CodecContextPtr decoder_;
  CodecContextPtr encoder_;
  ResamplerPtr resampler_;
  AudioFifoPtr fifo_;  // 48 kHz stereo float samples waiting for a whole 960-sample frame
  FramePtr decoded_;
  FramePtr to_encode_;
  PacketPtr packet_;
  std::vector<float> resampled_;

  // The input format the resampler was set up for; a change (implicit SBR found in the first
  // frames, a new channel layout) sets it up again.
  int in_rate_ = 0;
  int in_format_ = -1;
  int in_channels_ = 0;
  uint64_t in_layout_mask_ = 0;

  std::optional<int64_t> anchor_48k_;  // pts of the first packet after the anchor
  int64_t frames_since_anchor_ = 0;    // 960-sample frames sent to the encoder since then
  double expected_next_ms_ = 0;        // where the next input frame should start
  std::deque<int64_t> pending_pts_;    // pts of frames in the encoder, waiting for their packet
};

}  // namespace liverelay::transcode
