// FLV audio tag header parsing: legacy SoundFormat headers and Enhanced RTMP FourCC headers.
#include "codec/flv/audio_tag.hpp"

#include <array>
#include <string>

#include "codec/flv/fourcc.hpp"
#include "codec/flv/mod_ex.hpp"
#include "protocol/core/byte_reader.hpp"

namespace liverelay::flv {
namespace {

// E.4.2.1 SoundFormat values we act on.
constexpr uint8_t kSoundFormatMp3 = 2;
constexpr uint8_t kSoundFormatExHeader = 9;  // Enhanced RTMP v2
constexpr uint8_t kSoundFormatAac = 10;
constexpr uint8_t kSoundFormatMp3At8kHz = 14;

// Enhanced RTMP v2 AudioPacketType values.
enum : uint8_t { kAudioSequenceStart = 0, kAudioCodedFrames = 1, kAudioMultitrack = 5 };

// E.4.2.1 SoundRate: 5.5, 11, 22 and 44 kHz.
constexpr std::array<int, 4> kSoundRates = {5512, 11025, 22050, 44100};

Result<AudioTagHeader> parse_legacy_audio(ByteReader& reader, uint8_t first) {
  AudioTagHeader header;
  const uint8_t format = first >> 4;
  header.sample_rate = format == kSoundFormatMp3At8kHz ? 8000 : kSoundRates[(first >> 2) & 0x03];
  header.channels = (first & 0x01) ? 2 : 1;
  header.kind = AudioPacketKind::coded_frames;
  if (format == kSoundFormatAac) {
    header.codec = media::Codec::aac;
    header.sample_rate = 0;  // the flags always say 44 kHz stereo for AAC (E.4.2.1)
    header.channels = 0;
    auto packet_type = reader.u8();
    if (!packet_type) return fail(Errc::truncated, "audio tag: AAC packet truncated at packet type");
    if (*packet_type > 1) {
      return fail(Errc::malformed, "audio tag: AAC packet type " + std::to_string(*packet_type));
    }
    header.kind = *packet_type == 0 ? AudioPacketKind::sequence_start : AudioPacketKind::coded_frames;
  } else if (format == kSoundFormatMp3 || format == kSoundFormatMp3At8kHz) {
    header.codec = media::Codec::mp3;
  }
  header.payload_offset = reader.position();
  return header;
}

// Enhanced RTMP v2 ExAudioTagHeader: [SoundFormat 9 | AudioPacketType:4] [ModEx...] FourCC.
Result<AudioTagHeader> parse_enhanced_audio(ByteReader& reader, uint8_t first) {
  AudioTagHeader header;
  header.enhanced = true;
  auto packet_type = skip_mod_ex(reader, first & 0x0f, "audio tag");
  if (!packet_type) return tl::unexpected(packet_type.error());
  if (*packet_type == kAudioMultitrack) return header;  // several tracks in one tag: not relayed yet
  auto code = reader.u32be();
  if (!code) return fail(Errc::truncated, "audio tag: enhanced header truncated at FourCC");
  header.codec = audio_codec_for(*code);
  if (*packet_type == kAudioSequenceStart) header.kind = AudioPacketKind::sequence_start;
  if (*packet_type == kAudioCodedFrames) header.kind = AudioPacketKind::coded_frames;
  header.payload_offset = reader.position();
  return header;
}

}  // namespace

Result<AudioTagHeader> parse_audio_tag_header(std::span<const uint8_t> tag) {
  ByteReader reader(tag);
  auto first = reader.u8();
  if (!first) return fail(Errc::truncated, "audio tag: empty");
  if ((*first >> 4) == kSoundFormatExHeader) return parse_enhanced_audio(reader, *first);
  return parse_legacy_audio(reader, *first);
}

}  // namespace liverelay::flv
