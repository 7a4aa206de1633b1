// AV1CodecConfigurationRecord (AV1-ISOBMFF 2.3): the av1C of an av01 sequence start.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "protocol/core/error.hpp"

namespace liverelay::av1 {

struct Config {
  uint8_t seq_profile = 0;
  uint8_t seq_level_idx = 0;  // seq_level_idx_0: the level of operating point 0
  bool high_tier = false;
  bool high_bitdepth = false;
  bool twelve_bit = false;
  bool monochrome = false;
  std::vector<uint8_t> config_obus;  // usually the sequence header OBU, with obu_size fields
};

Result<Config> parse_config(std::span<const uint8_t> record);

// AV1 Annex A.2: 0 "Main", 1 "High", 2 "Professional".
std::string profile_name(uint8_t seq_profile);

// AV1 Annex A.3: seq_level_idx 8 -> "4.0"; 31 -> "max" (no level constraint).
std::string level_name(uint8_t seq_level_idx);

}  // namespace liverelay::av1
