// Audio track descriptions from an AAC AudioSpecificConfig or an Opus identification header.
#include "codec/audio_config.hpp"

#include <algorithm>
#include <string_view>

#include "codec/aac/audio_specific_config.hpp"

namespace liverelay::codec {
namespace {

constexpr std::string_view kOpusMagic = "OpusHead";
constexpr size_t kOpusHeadSize = 19;    // RFC 7845 5.1, without a channel mapping table
constexpr int kOpusOutputRate = 48000;  // Opus always decodes at 48 kHz (RFC 7845 5.1)

Result<void> describe_aac(std::span<const uint8_t> bytes, media::AudioConfig& audio) {
  auto asc = aac::parse_audio_specific_config(bytes);
  if (!asc) return tl::unexpected(asc.error());
  audio.profile = aac::profile_name(*asc);
  audio.sample_rate = asc->output_sample_rate();
  audio.channels = asc->output_channels();
  return {};
}

// RFC 7845 5.1: "OpusHead", version, channel count, pre-skip, input rate, gain, mapping.
Result<void> describe_opus(std::span<const uint8_t> bytes, media::AudioConfig& audio) {
  if (bytes.size() < kOpusHeadSize) return fail(Errc::truncated, "OpusHead: shorter than 19 bytes");
  if (!std::equal(kOpusMagic.begin(), kOpusMagic.end(), bytes.begin())) {
    return fail(Errc::malformed, "OpusHead: no magic signature");
  }
  if (bytes[9] == 0) return fail(Errc::malformed, "OpusHead: zero channels");
  audio.sample_rate = kOpusOutputRate;
  audio.channels = bytes[9];
  return {};
}

}  // namespace

Result<media::AudioConfig> make_audio_config(media::Codec codec, std::span<const uint8_t> config) {
  media::AudioConfig audio;
  audio.codec = codec;
  audio.specific_config.assign(config.begin(), config.end());
  Result<void> described;
  if (codec == media::Codec::aac) described = describe_aac(config, audio);
  if (codec == media::Codec::opus) described = describe_opus(config, audio);
  if (!described) return tl::unexpected(described.error());
  return audio;
}

}  // namespace liverelay::codec
