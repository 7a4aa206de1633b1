// A publisher's tag as the stream's fan-out hands it on: kind, timestamp, the shared FLV tag
// body, and what a consumer needs to know to start, skip or resume (keyframe, configuration).
#pragma once

#include <cstdint>

#include "codec/media_packet.hpp"

namespace liverelay {

// The RTMP message type that carries each kind (RTMP spec 7.1.4, 7.1.5, 7.1.2).
enum class TagKind : uint8_t { audio = 8, video = 9, metadata = 18 };

struct MediaTag {
  TagKind kind = TagKind::video;
  uint32_t timestamp = 0;       // the publisher's RTMP timestamp (32 bits, may wrap)
  media::SharedBuffer payload;  // the FLV tag body; for metadata, AMF0 "onMetaData" + object
  bool keyframe = false;        // a video frame a decoder can start at
  bool config = false;          // a sequence header (avcC, hvcC, av1C, AudioSpecificConfig) or metadata
};

// Reads the FLV tag header (legacy or Enhanced RTMP) to set `keyframe` and `config`. A header
// that does not parse makes a plain frame: never a starting point, never kept as configuration.
MediaTag classify_tag(TagKind kind, uint32_t timestamp, media::SharedBuffer payload);

}  // namespace liverelay
