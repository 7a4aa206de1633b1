// FLV audio/video tag bodies (as RTMP carries them) to track configurations and MediaPackets.
#pragma once

#include <cstdint>
#include <optional>

#include "codec/media_packet.hpp"
#include "codec/timestamp_unwrapper.hpp"
#include "protocol/core/error.hpp"

namespace liverelay::flv {

// What one tag produced: a new configuration (a sequence header), a media packet, or nothing
// (end of sequence, an empty tag, an Enhanced RTMP metadata packet).
struct DemuxOutput {
  std::optional<media::VideoConfig> video_config;
  std::optional<media::AudioConfig> audio_config;
  std::optional<media::MediaPacket> packet;
};

// Keeps per-track state: the current configurations, and one timestamp unwrapper shared by
// both tracks, so audio and video stay on one timeline across the 32-bit wrap.
// Handles legacy FLV (CodecID 7 AVC, SoundFormat 10 AAC, 2 MP3) and Enhanced RTMP extended
// headers: video (IsExHeader, FourCC hvc1 / av01 / avc1 / vp09, packet types 0..5 and ModEx)
// and v2 audio (SoundFormat 9, FourCC Opus / mp4a / .mp3). A malformed header is an error;
// coded frames are not parsed past their header (an HLS muxer or a player does that).
class MediaDemuxer {
 public:
  // `timestamp` is the RTMP message timestamp (32-bit, may wrap). `tag` is the message payload.
  Result<DemuxOutput> on_video(uint32_t timestamp, media::SharedBuffer tag);
  Result<DemuxOutput> on_audio(uint32_t timestamp, media::SharedBuffer tag);

  [[nodiscard]] const std::optional<media::VideoConfig>& video_config() const { return video_; }
  [[nodiscard]] const std::optional<media::AudioConfig>& audio_config() const { return audio_; }

 private:
  std::optional<media::VideoConfig> video_;
  std::optional<media::AudioConfig> audio_;
  // Fed by coded frames only: sequence headers often carry timestamp 0 mid-stream.
  codec::TimestampUnwrapper timeline_;
};

}  // namespace liverelay::flv
