// H.264 sequence parameter set (H.264 7.3.2.1.1): what a relay reports and a muxer needs.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "protocol/core/error.hpp"

namespace liverelay::avc {

// Bits of the constraint byte (the SPS's second byte, also avcC profile_compatibility).
inline constexpr uint8_t kConstraintSet0 = 0x80;
inline constexpr uint8_t kConstraintSet1 = 0x40;
inline constexpr uint8_t kConstraintSet3 = 0x10;

struct Sps {
  uint8_t profile_idc = 0;
  uint8_t constraint_flags = 0;  // constraint_set0_flag in the top bit .. set5, then 2 zero bits
  uint8_t level_idc = 0;
  uint32_t id = 0;                 // seq_parameter_set_id
  uint32_t chroma_format_idc = 1;  // 4:2:0 unless a high profile says otherwise
  bool separate_colour_plane = false;
  uint32_t bit_depth_luma = 8;
  uint32_t bit_depth_chroma = 8;
  uint32_t log2_max_frame_num = 4;
  uint32_t pic_order_cnt_type = 0;
  uint32_t log2_max_pic_order_cnt_lsb = 0;  // only for pic_order_cnt_type 0
  uint32_t max_num_ref_frames = 0;
  bool frame_mbs_only = true;  // false: the stream may be interlaced
  int width = 0;               // after frame cropping
  int height = 0;
  std::optional<double> frame_rate;  // from VUI timing: time_scale / (2 * num_units_in_tick)
};

// `nal` is the whole SPS NAL unit, header byte included, emulation prevention still in.
// The VUI is read only for its timing: a VUI that ends early leaves frame_rate empty instead
// of failing, since the picture size before it is what matters.
Result<Sps> parse_sps(std::span<const uint8_t> nal);

}  // namespace liverelay::avc
