// FLV VIDEODATA tag headers, legacy (FLV spec v10.1 E.4.3.1) and Enhanced RTMP (ExVideoTagHeader).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "codec/media_packet.hpp"
#include "protocol/core/error.hpp"

namespace liverelay::flv {

// FLV spec E.4.3.1 FrameType (3 bits in Enhanced RTMP, same values).
inline constexpr uint8_t kFrameKey = 1;
inline constexpr uint8_t kFrameInter = 2;
inline constexpr uint8_t kFrameDisposableInter = 3;
inline constexpr uint8_t kFrameGeneratedKey = 4;
inline constexpr uint8_t kFrameCommand = 5;

// What the tag carries, folded from AVCPacketType and Enhanced RTMP VideoPacketType.
enum class VideoPacketKind : uint8_t {
  sequence_start,  // a decoder configuration record: avcC, hvcC, av1C, vpcC
  coded_frames,    // one access unit
  sequence_end,
  ignored,  // metadata, command frames, MPEG2TSSequenceStart, multitrack, reserved types
};

struct VideoTagHeader {
  media::Codec codec = media::Codec::unknown;
  bool enhanced = false;
  uint8_t frame_type = 0;
  VideoPacketKind kind = VideoPacketKind::ignored;
  int32_t composition_time_ms = 0;  // SI24: pts - dts, negative allowed
  size_t payload_offset = 0;        // the first byte after the header

  // A generated keyframe (4) is a keyframe a server made for seeking: still a keyframe.
  [[nodiscard]] bool keyframe() const { return frame_type == kFrameKey || frame_type == kFrameGeneratedKey; }
};

// `tag` is the whole tag body (the RTMP video message payload), not empty.
Result<VideoTagHeader> parse_video_tag_header(std::span<const uint8_t> tag);

}  // namespace liverelay::flv
