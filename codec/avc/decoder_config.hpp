// AVCDecoderConfigurationRecord (ISO 14496-15 5.2.4.1): the H.264 sequence header of FLV/MP4.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "protocol/core/error.hpp"

namespace liverelay::avc {

struct DecoderConfig {
  uint8_t version = 0;                    // configurationVersion, always 1
  uint8_t profile_indication = 0;         // AVCProfileIndication: the SPS profile_idc
  uint8_t profile_compatibility = 0;      // the SPS constraint_set flags byte
  uint8_t level_indication = 0;           // AVCLevelIndication: the SPS level_idc
  int length_size = 4;                    // lengthSizeMinusOne + 1: bytes before each NAL unit
  std::vector<std::vector<uint8_t>> sps;  // NAL units with their header byte
  std::vector<std::vector<uint8_t>> pps;
};

// The High-profile tail (chroma_format, bit depths, SPS extensions) is not read: many
// encoders omit it, and the SPS carries the same values.
Result<DecoderConfig> parse_decoder_config(std::span<const uint8_t> record);

}  // namespace liverelay::avc
