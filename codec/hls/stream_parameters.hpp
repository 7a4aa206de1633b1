// Track configurations (from the FLV sequence headers) as libavformat stream parameters.
#pragma once

#include "codec/hls/segment_format.hpp"
#include "codec/media_packet.hpp"
#include "protocol/core/error.hpp"

extern "C" {
struct AVCodecParameters;
}

namespace liverelay::hls {

// H.264 and HEVC (avcC / hvcC as extradata, so the TS muxer can insert the parameter sets
// before each IDR and the MP4 muxer can write them into the moov). The record is parsed
// first: a malformed one is an error here, not a failure deep inside libavformat.
Result<void> set_video_parameters(AVCodecParameters& par, const media::VideoConfig& config);

// AAC (AudioSpecificConfig as extradata: ADTS headers in TS, esds in MP4) and MP3.
Result<void> set_audio_parameters(AVCodecParameters& par, const media::AudioConfig& config);

}  // namespace liverelay::hls
