// Video track descriptions from avcC (with its SPS), hvcC (with its SPS) and av1C.
#include "codec/video_config.hpp"

#include "codec/av1/config.hpp"
#include "codec/av1/sequence_header.hpp"
#include "codec/avc/decoder_config.hpp"
#include "codec/avc/profile_level.hpp"
#include "codec/avc/sps.hpp"
#include "codec/hevc/decoder_config.hpp"
#include "codec/hevc/profile_level.hpp"
#include "codec/hevc/sps.hpp"

namespace liverelay::codec {
namespace {

// The SPS is the authority; the record's copy of profile and level is the fallback when an
// encoder sends a record without one.
Result<void> describe_avc(std::span<const uint8_t> record, media::VideoConfig& video) {
  auto config = avc::parse_decoder_config(record);
  if (!config) return tl::unexpected(config.error());
  uint8_t profile = config->profile_indication;
  uint8_t constraints = config->profile_compatibility;
  uint8_t level = config->level_indication;
  if (!config->sps.empty()) {
    auto sps = avc::parse_sps(config->sps.front());
    if (!sps) return tl::unexpected(std::move(sps.error()).context("avcC"));
    profile = sps->profile_idc;
    constraints = sps->constraint_flags;
    level = sps->level_idc;
    video.width = sps->width;
    video.height = sps->height;
  }
  video.profile = avc::profile_name(profile, constraints);
  video.level = avc::level_name(profile, constraints, level);
  return {};
}

Result<void> describe_hevc(std::span<const uint8_t> record, media::VideoConfig& video) {
  auto config = hevc::parse_decoder_config(record);
  if (!config) return tl::unexpected(config.error());
  video.profile = hevc::profile_name(config->profile_idc);
  video.level = hevc::level_name(config->level_idc);
  if (auto nal = config->first_unit(hevc::kNalSps); !nal.empty()) {
    auto sps = hevc::parse_sps(nal);
    if (!sps) return tl::unexpected(std::move(sps.error()).context("hvcC"));
    video.width = sps->width;
    video.height = sps->height;
  }
  return {};
}

// The sequence header gives the maximum frame size, which encoders set to the stream's size.
Result<void> describe_av1(std::span<const uint8_t> record, media::VideoConfig& video) {
  auto config = av1::parse_config(record);
  if (!config) return tl::unexpected(config.error());
  video.profile = av1::profile_name(config->seq_profile);
  video.level = av1::level_name(config->seq_level_idx);
  auto header = av1::find_sequence_header(config->config_obus);
  if (!header) return tl::unexpected(std::move(header.error()).context("av1C"));
  if (*header) {
    video.width = (*header)->max_width;
    video.height = (*header)->max_height;
  }
  return {};
}

}  // namespace

Result<media::VideoConfig> make_video_config(media::Codec codec, std::span<const uint8_t> record) {
  media::VideoConfig video;
  video.codec = codec;
  video.decoder_config.assign(record.begin(), record.end());
  Result<void> described;
  switch (codec) {
    case media::Codec::h264:
      described = describe_avc(record, video);
      break;
    case media::Codec::hevc:
      described = describe_hevc(record, video);
      break;
    case media::Codec::av1:
      described = describe_av1(record, video);
      break;
    default:
      break;  // vp9's vpcC and unknown FourCCs: relayed, not described
  }
  if (!described) return tl::unexpected(described.error());
  return video;
}

}  // namespace liverelay::codec
