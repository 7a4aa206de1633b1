// Codec-level values shared by every sink: track configurations and timed media packets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace liverelay::media {

using Buffer = std::vector<uint8_t>;
using SharedBuffer = std::shared_ptr<const Buffer>;

enum class TrackKind : uint8_t { video, audio };

enum class Codec : uint8_t { unknown, h264, hevc, av1, vp9, aac, mp3, opus };

const char* codec_name(Codec codec);  // "h264", "hevc", "av1", "aac", ... as the stats API names them

struct VideoConfig {
  Codec codec = Codec::unknown;
  std::string profile;  // "High", "Main", "Baseline", ... ("" when unknown)
  std::string level;    // "3.1", "4", ...
  int width = 0;
  int height = 0;
  std::vector<uint8_t> decoder_config;  // AVCDecoderConfigurationRecord / hvcC / av1C as sent

  bool operator==(const VideoConfig&) const = default;
};

struct AudioConfig {
  Codec codec = Codec::unknown;
  std::string profile;  // "LC", "HE-AAC", ...
  int sample_rate = 0;
  int channels = 0;
  std::vector<uint8_t> specific_config;  // AudioSpecificConfig for AAC

  bool operator==(const AudioConfig&) const = default;
};

// One access unit. The FLV tag it came from is kept whole and shared, not copied: the payload
// (AVCC NAL units, a raw AAC frame, ...) is a window into it, so an RTMP player can be sent the
// original tag and an HLS muxer the payload, from one allocation.
struct MediaPacket {
  TrackKind track = TrackKind::video;
  Codec codec = Codec::unknown;
  int64_t dts_ms = 0;  // unwrapped: continues past the 32-bit RTMP timestamp wrap
  int64_t pts_ms = 0;  // dts + composition time; a negative composition time puts it below dts
  bool keyframe = false;
  SharedBuffer tag;            // the whole FLV tag body
  size_t payload_offset = 0;   // where the codec payload starts inside `tag`

  [[nodiscard]] std::span<const uint8_t> flv_tag() const { return {tag->data(), tag->size()}; }
  [[nodiscard]] std::span<const uint8_t> payload() const {
    return flv_tag().subspan(payload_offset);
  }
};

}  // namespace liverelay::media
