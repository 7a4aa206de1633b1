// Fills AVCodecParameters from VideoConfig / AudioConfig after checking the codec records.
#include "codec/hls/stream_parameters.hpp"

#include <cstring>
#include <string>

#include "codec/aac/audio_specific_config.hpp"
#include "codec/avc/decoder_config.hpp"
#include "codec/hevc/decoder_config.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/channel_layout.h>
#include <libavutil/mem.h>
}

namespace liverelay::hls {
namespace {

Result<void> set_extradata(AVCodecParameters& par, const std::vector<uint8_t>& bytes) {
  av_freep(&par.extradata);
  par.extradata_size = 0;
  // libavcodec readers may read past the end: the padding must be there and zeroed.
  auto* data = static_cast<uint8_t*>(av_mallocz(bytes.size() + AV_INPUT_BUFFER_PADDING_SIZE));
  if (data == nullptr) return fail(Errc::io, "extradata: out of memory");
  std::memcpy(data, bytes.data(), bytes.size());
  par.extradata = data;
  par.extradata_size = static_cast<int>(bytes.size());
  return {};
}

Result<void> check_video_record(const media::VideoConfig& config) {
  if (config.codec == media::Codec::h264) {
    auto record = avc::parse_decoder_config(config.decoder_config);
    if (!record) return tl::unexpected(std::move(record.error()).context("H.264 decoder configuration"));
    if (record->sps.empty() || record->pps.empty())
      return fail(Errc::malformed, "H.264 decoder configuration: no SPS or no PPS");
    return {};
  }
  if (config.codec == media::Codec::hevc) {
    auto record = hevc::parse_decoder_config(config.decoder_config);
    if (!record) return tl::unexpected(std::move(record.error()).context("HEVC decoder configuration"));
    if (record->first_unit(hevc::kNalSps).empty())
      return fail(Errc::malformed, "HEVC decoder configuration: no SPS");
    return {};
  }
  return fail(Errc::unsupported,
              std::string("video codec ") + media::codec_name(config.codec) + " cannot go into HLS segments");
}

}  // namespace

Result<void> set_video_parameters(AVCodecParameters& par, const media::VideoConfig& config) {
  if (auto checked = check_video_record(config); !checked) return checked;
  par.codec_type = AVMEDIA_TYPE_VIDEO;
  par.codec_id = config.codec == media::Codec::h264 ? AV_CODEC_ID_H264 : AV_CODEC_ID_HEVC;
  // 0 lets each muxer pick its tag; for HEVC in MP4 that is hev1, which Apple players refuse.
  par.codec_tag = config.codec == media::Codec::hevc ? MKTAG('h', 'v', 'c', '1') : 0;
  par.width = config.width;
  par.height = config.height;
  return set_extradata(par, config.decoder_config);
}

Result<void> set_audio_parameters(AVCodecParameters& par, const media::AudioConfig& config) {
  if (config.codec == media::Codec::aac) {
    auto asc = aac::parse_audio_specific_config(config.specific_config);
    if (!asc) return tl::unexpected(std::move(asc.error()).context("AAC AudioSpecificConfig"));
    par.codec_id = AV_CODEC_ID_AAC;
    // With explicit SBR the configured rate is the output rate, at which a frame is 2048 samples.
    par.frame_size = asc->sbr ? 2048 : 1024;
    if (auto extradata = set_extradata(par, config.specific_config); !extradata) return extradata;
  } else if (config.codec == media::Codec::mp3) {
    par.codec_id = AV_CODEC_ID_MP3;
    par.frame_size = config.sample_rate < 32000 ? 576 : 1152;  // MPEG-2/2.5 layer III: half frames
  } else {
    return fail(Errc::unsupported, std::string("audio codec ") + media::codec_name(config.codec) +
                                       " cannot go into HLS segments");
  }
  if (config.sample_rate <= 0 || config.channels <= 0)
    return fail(Errc::malformed, "audio configuration without a sample rate or channel count");
  par.codec_type = AVMEDIA_TYPE_AUDIO;
  par.codec_tag = 0;
  par.sample_rate = config.sample_rate;
  av_channel_layout_uninit(&par.ch_layout);
  av_channel_layout_default(&par.ch_layout, config.channels);
  return {};
}

}  // namespace liverelay::hls
