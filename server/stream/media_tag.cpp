// classify_tag: keyframes and sequence headers from the FLV tag headers (FLV spec E.4.2, E.4.3).
#include "server/stream/media_tag.hpp"

#include "codec/flv/audio_tag.hpp"
#include "codec/flv/video_tag.hpp"

namespace liverelay {

MediaTag classify_tag(TagKind kind, uint32_t timestamp, media::SharedBuffer payload) {
  MediaTag tag{kind, timestamp, std::move(payload)};
  if (kind == TagKind::metadata) {
    tag.config = true;
  } else if (!tag.payload || tag.payload->empty()) {
    return tag;
  } else if (kind == TagKind::video) {
    if (auto header = flv::parse_video_tag_header(*tag.payload)) {
      tag.config = header->kind == flv::VideoPacketKind::sequence_start;
      tag.keyframe = header->kind == flv::VideoPacketKind::coded_frames && header->keyframe();
    }
  } else if (auto header = flv::parse_audio_tag_header(*tag.payload)) {
    tag.config = header->kind == flv::AudioPacketKind::sequence_start;
  }
  return tag;
}

}  // namespace liverelay
