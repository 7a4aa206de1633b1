// H.265 sequence parameter set (H.265 7.3.2.2.1), read as far as the picture size.
#pragma once

#include <cstdint>
#include <span>

#include "protocol/core/error.hpp"

namespace liverelay::hevc {

struct Sps {
  uint8_t profile_idc = 0;  // general_profile_idc
  uint8_t level_idc = 0;    // general_level_idc
  uint32_t chroma_format_idc = 1;
  uint32_t bit_depth_luma = 8;
  uint32_t bit_depth_chroma = 8;
  int width = 0;  // after the conformance window
  int height = 0;
};

// `nal` is the whole SPS NAL unit, 2-byte header included, emulation prevention still in.
Result<Sps> parse_sps(std::span<const uint8_t> nal);

}  // namespace liverelay::hevc
