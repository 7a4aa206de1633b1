// AVCC (length-prefixed, as FLV and MP4 carry H.264) to Annex B (start codes, as MPEG-TS does).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "codec/avc/decoder_config.hpp"
#include "protocol/core/error.hpp"

namespace liverelay::avc {

// Rewrites one access unit with 4-byte start codes. For a keyframe, the parameter sets of
// `config` go first, before any SEI: a buffering-period SEI names its SPS, and a decoder that
// meets the SEI before the SPS reports it (FFmpeg's h264_mp4toannexb puts them just before the
// IDR slice, after the SEI). Parameter sets already in the access unit are kept.
Result<std::vector<uint8_t>> avcc_to_annexb(std::span<const uint8_t> access_unit, const DecoderConfig& config,
                                            bool keyframe);

}  // namespace liverelay::avc
