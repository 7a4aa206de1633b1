// HEVCDecoderConfigurationRecord (ISO 14496-15 8.3.3.1): the hvcC of an hvc1 sequence start.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "protocol/core/error.hpp"

namespace liverelay::hevc {

// H.265 Table 7-1: parameter set NAL unit types.
inline constexpr uint8_t kNalVps = 32;
inline constexpr uint8_t kNalSps = 33;
inline constexpr uint8_t kNalPps = 34;

struct NalArray {
  bool complete = false;  // array_completeness: no other NAL units of this type in the stream
  uint8_t nal_unit_type = 0;
  std::vector<std::vector<uint8_t>> units;  // each with its 2-byte NAL header
};

struct DecoderConfig {
  uint8_t version = 0;
  uint8_t profile_space = 0;
  bool high_tier = false;
  uint8_t profile_idc = 0;
  uint32_t profile_compatibility = 0;  // general_profile_compatibility_flags, flag 0 at the top
  uint8_t level_idc = 0;               // 30 x the level number
  uint8_t chroma_format_idc = 0;
  uint8_t bit_depth_luma = 0;
  uint8_t bit_depth_chroma = 0;
  int length_size = 4;  // lengthSizeMinusOne + 1
  std::vector<NalArray> arrays;

  // The first unit of the first array of `type`, or an empty span.
  [[nodiscard]] std::span<const uint8_t> first_unit(uint8_t type) const;
};

Result<DecoderConfig> parse_decoder_config(std::span<const uint8_t> record);

}  // namespace liverelay::hevc
