// FLV video tag header parsing: legacy CodecID headers and Enhanced RTMP FourCC headers.
#include "codec/flv/video_tag.hpp"

#include <string>

#include "codec/flv/fourcc.hpp"
#include "codec/flv/mod_ex.hpp"
#include "protocol/core/byte_reader.hpp"

namespace liverelay::flv {
namespace {

constexpr uint8_t kExHeaderBit = 0x80;
constexpr uint8_t kCodecIdAvc = 7;
// Not in the FLV spec: the CodecID many Chinese CDNs and OBS forks use for HEVC, with the
// AVC header layout. Enhanced RTMP replaces it; accepting it costs nothing.
constexpr uint8_t kCodecIdHevcLegacy = 12;

// Enhanced RTMP VideoPacketType values.
enum : uint8_t {
  kSequenceStart = 0,
  kCodedFrames = 1,
  kSequenceEnd = 2,
  kCodedFramesX = 3,
  kMetadata = 4,
  kMultitrack = 6,
};

// E.4.3.1 with CodecID 7 (and 12): AVCPacketType, then the SI24 CompositionTime.
Result<VideoTagHeader> parse_legacy_avc(ByteReader& reader, VideoTagHeader header) {
  const char* name = header.codec == media::Codec::h264 ? "AVC" : "HEVC";
  auto packet_type = reader.u8();
  if (!packet_type) {
    return fail(Errc::truncated, std::string("video tag: ") + name + " packet truncated at packet type");
  }
  auto composition_time = reader.s24be();
  if (!composition_time) {
    return fail(Errc::truncated, std::string("video tag: ") + name + " packet truncated at composition time");
  }
  switch (*packet_type) {
    case 0:
      header.kind = VideoPacketKind::sequence_start;
      break;
    case 1:
      header.kind = VideoPacketKind::coded_frames;
      break;
    case 2:
      header.kind = VideoPacketKind::sequence_end;
      break;
    default:
      return fail(Errc::malformed,
                  std::string("video tag: ") + name + " packet type " + std::to_string(*packet_type));
  }
  header.composition_time_ms = *composition_time;
  header.payload_offset = reader.position();
  return header;
}

Result<VideoTagHeader> parse_legacy_video(ByteReader& reader, uint8_t first) {
  VideoTagHeader header;
  header.frame_type = first >> 4;
  const uint8_t codec_id = first & 0x0f;
  if (header.frame_type == kFrameCommand) return header;  // a seek command, not a picture
  if (codec_id == kCodecIdAvc || codec_id == kCodecIdHevcLegacy) {
    header.codec = codec_id == kCodecIdAvc ? media::Codec::h264 : media::Codec::hevc;
    return parse_legacy_avc(reader, header);
  }
  // Sorenson H.263, Screen video, VP6: relayed as opaque frames.
  header.kind = VideoPacketKind::coded_frames;
  header.payload_offset = reader.position();
  return header;
}

VideoPacketKind kind_for(uint8_t packet_type) {
  switch (packet_type) {
    case kSequenceStart:
      return VideoPacketKind::sequence_start;
    case kCodedFrames:
    case kCodedFramesX:
      return VideoPacketKind::coded_frames;
    case kSequenceEnd:
      return VideoPacketKind::sequence_end;
    default:
      return VideoPacketKind::ignored;  // metadata, MPEG2TSSequenceStart, reserved
  }
}

// Enhanced RTMP ExVideoTagHeader: [IsExHeader | FrameType:3 | PacketType:4] [ModEx...]
// FourCC, then for CodedFrames of avc1/hvc1 only an SI24 CompositionTime.
Result<VideoTagHeader> parse_enhanced_video(ByteReader& reader, uint8_t first) {
  VideoTagHeader header;
  header.enhanced = true;
  header.frame_type = (first >> 4) & 0x07;
  auto packet_type = skip_mod_ex(reader, first & 0x0f, "video tag");
  if (!packet_type) return tl::unexpected(packet_type.error());
  // Multitrack (v2) interleaves several tracks in one tag: not relayed yet.
  if (*packet_type == kMultitrack) return header;
  auto code = reader.u32be();
  if (!code) return fail(Errc::truncated, "video tag: enhanced header truncated at FourCC");
  header.codec = video_codec_for(*code);
  header.kind = kind_for(*packet_type);
  // A command frame carries a VideoCommand byte instead of a picture.
  if (header.frame_type == kFrameCommand && *packet_type != kMetadata) {
    header.kind = VideoPacketKind::ignored;
    return header;
  }
  const bool has_composition_time = *packet_type == kCodedFrames && (header.codec == media::Codec::h264 ||
                                                                     header.codec == media::Codec::hevc);
  if (has_composition_time) {
    auto composition_time = reader.s24be();
    if (!composition_time) {
      return fail(Errc::truncated, "video tag: enhanced coded frames truncated at composition time");
    }
    header.composition_time_ms = *composition_time;
  }
  header.payload_offset = reader.position();
  return header;
}

}  // namespace

Result<VideoTagHeader> parse_video_tag_header(std::span<const uint8_t> tag) {
  ByteReader reader(tag);
  auto first = reader.u8();
  if (!first) return fail(Errc::truncated, "video tag: empty");
  if (*first & kExHeaderBit) return parse_enhanced_video(reader, *first);
  return parse_legacy_video(reader, *first);
}

}  // namespace liverelay::flv
