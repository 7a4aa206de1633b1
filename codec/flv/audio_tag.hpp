// FLV AUDIODATA tag headers, legacy (FLV spec v10.1 E.4.2.1) and Enhanced RTMP v2 (ExHeader).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "codec/media_packet.hpp"
#include "protocol/core/error.hpp"

namespace liverelay::flv {

enum class AudioPacketKind : uint8_t {
  sequence_start,  // AudioSpecificConfig (AAC), OpusHead (Opus)
  coded_frames,
  ignored,  // sequence end, multichannel config, multitrack, reserved types
};

struct AudioTagHeader {
  media::Codec codec = media::Codec::unknown;
  bool enhanced = false;
  AudioPacketKind kind = AudioPacketKind::ignored;
  // From the legacy SoundRate / SoundType flags; 0 for AAC and enhanced tags, whose
  // configuration says better.
  int sample_rate = 0;
  int channels = 0;
  size_t payload_offset = 0;  // the first byte after the header
};

// `tag` is the whole tag body (the RTMP audio message payload), not empty.
Result<AudioTagHeader> parse_audio_tag_header(std::span<const uint8_t> tag);

}  // namespace liverelay::flv
