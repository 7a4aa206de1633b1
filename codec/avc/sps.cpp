// H.264 SPS parsing: profile, chroma format, picture order count, cropped size, VUI timing.
#include "codec/avc/sps.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "codec/avc/nal.hpp"
#include "codec/bit_reader.hpp"

namespace liverelay::avc {
namespace {

using codec::BitReader;

// Spec ranges (H.264 7.4.2.1.1), checked so loops and size arithmetic stay bounded.
constexpr uint32_t kMaxSpsId = 31;
constexpr uint32_t kMaxBitDepthMinus8 = 6;
constexpr uint32_t kMaxLog2Minus4 = 12;
constexpr uint32_t kMaxRefFramesInPocCycle = 255;
constexpr uint32_t kMaxSizeInMbs = 1024;  // 16384 pixels: past any level in Table A-1

// H.264 7.3.2.1.1: the profiles whose SPS carries chroma_format_idc and bit depths.
constexpr std::array<uint8_t, 13> kProfilesWithChromaInfo = {100, 110, 122, 244, 44,  83, 86,
                                                             118, 128, 138, 139, 134, 135};

bool has_chroma_info(uint8_t profile_idc) {
  return std::find(kProfilesWithChromaInfo.begin(), kProfilesWithChromaInfo.end(), profile_idc) !=
         kProfilesWithChromaInfo.end();
}

// H.264 7.3.2.1.1.1: the values are not needed, but their length is only known by decoding.
Result<void> skip_scaling_list(BitReader& r, int size) {
  int last_scale = 8;
  int next_scale = 8;
  for (int j = 0; j < size && r.ok(); ++j) {
    if (next_scale != 0) {
      const int32_t delta = r.se();
      if (delta < -128 || delta > 127) {
        return fail(Errc::malformed, "sps: delta_scale " + std::to_string(delta));
      }
      next_scale = (last_scale + delta + 256) % 256;
    }
    last_scale = next_scale == 0 ? last_scale : next_scale;
  }
  return {};
}

Result<void> read_chroma_info(BitReader& r, Sps& sps) {
  sps.chroma_format_idc = r.ue();
  if (sps.chroma_format_idc > 3) {
    return fail(Errc::malformed, "sps: chroma_format_idc " + std::to_string(sps.chroma_format_idc));
  }
  if (sps.chroma_format_idc == 3) sps.separate_colour_plane = r.flag();
  const uint32_t luma = r.ue();
  const uint32_t chroma = r.ue();
  if (luma > kMaxBitDepthMinus8 || chroma > kMaxBitDepthMinus8) {
    return fail(Errc::malformed, "sps: bit depth over 14");
  }
  sps.bit_depth_luma = luma + 8;
  sps.bit_depth_chroma = chroma + 8;
  r.skip(1);       // qpprime_y_zero_transform_bypass_flag
  if (r.flag()) {  // seq_scaling_matrix_present_flag
    const int lists = sps.chroma_format_idc != 3 ? 8 : 12;
    for (int i = 0; i < lists && r.ok(); ++i) {
      if (!r.flag()) continue;  // seq_scaling_list_present_flag[i]
      if (auto ok = skip_scaling_list(r, i < 6 ? 16 : 64); !ok) return ok;
    }
  }
  return r.ok() ? Result<void>{} : tl::unexpected(r.error("sps: chroma info"));
}

Result<void> read_pic_order_cnt(BitReader& r, Sps& sps) {
  sps.pic_order_cnt_type = r.ue();
  if (sps.pic_order_cnt_type == 0) {
    const uint32_t log2_lsb_minus4 = r.ue();
    if (log2_lsb_minus4 > kMaxLog2Minus4) {
      return fail(Errc::malformed, "sps: log2_max_pic_order_cnt_lsb_minus4 out of range");
    }
    sps.log2_max_pic_order_cnt_lsb = log2_lsb_minus4 + 4;
  } else if (sps.pic_order_cnt_type == 1) {
    r.skip(1);  // delta_pic_order_always_zero_flag
    r.se();     // offset_for_non_ref_pic
    r.se();     // offset_for_top_to_bottom_field
    const uint32_t cycle = r.ue();
    if (cycle > kMaxRefFramesInPocCycle) {
      return fail(Errc::malformed, "sps: num_ref_frames_in_pic_order_cnt_cycle " + std::to_string(cycle));
    }
    for (uint32_t i = 0; i < cycle && r.ok(); ++i) r.se();  // offset_for_ref_frame[i]
  } else if (sps.pic_order_cnt_type != 2) {
    return fail(Errc::malformed, "sps: pic_order_cnt_type " + std::to_string(sps.pic_order_cnt_type));
  }
  return r.ok() ? Result<void>{} : tl::unexpected(r.error("sps: pic order count"));
}

// H.264 7.4.2.1.1: frame cropping is in chroma sample units, doubled for field coding.
Result<void> read_size(BitReader& r, Sps& sps) {
  const uint32_t width_mbs = r.ue() + 1;
  const uint32_t height_map_units = r.ue() + 1;
  sps.frame_mbs_only = r.flag();
  if (!sps.frame_mbs_only) r.skip(1);  // mb_adaptive_frame_field_flag
  r.skip(1);                           // direct_8x8_inference_flag
  uint32_t crop[4] = {0, 0, 0, 0};     // left, right, top, bottom
  if (r.flag()) {
    for (uint32_t& offset : crop) offset = r.ue();
  }
  if (!r.ok()) return tl::unexpected(r.error("sps: picture size"));
  if (width_mbs > kMaxSizeInMbs || height_map_units > kMaxSizeInMbs) {
    return fail(Errc::malformed, "sps: picture size over 16384 pixels");
  }
  const uint32_t field_factor = sps.frame_mbs_only ? 1 : 2;
  const uint32_t chroma_array_type = sps.separate_colour_plane ? 0 : sps.chroma_format_idc;
  const uint32_t sub_width = chroma_array_type == 1 || chroma_array_type == 2 ? 2 : 1;
  const uint32_t sub_height = chroma_array_type == 1 ? 2 : 1;
  const uint64_t crop_x = uint64_t{sub_width} * (uint64_t{crop[0]} + crop[1]);
  const uint64_t crop_y = uint64_t{sub_height} * field_factor * (uint64_t{crop[2]} + crop[3]);
  const uint64_t full_width = uint64_t{width_mbs} * 16;
  const uint64_t full_height = uint64_t{height_map_units} * field_factor * 16;
  if (crop_x >= full_width || crop_y >= full_height) {
    return fail(Errc::malformed, "sps: frame cropping larger than the picture");
  }
  sps.width = static_cast<int>(full_width - crop_x);
  sps.height = static_cast<int>(full_height - crop_y);
  return {};
}

// H.264 E.1.1, up to timing_info: the rest (HRD, bitstream restriction) is not needed.
std::optional<double> read_vui_frame_rate(BitReader& r) {
  if (r.flag()) {                      // aspect_ratio_info_present_flag
    if (r.bits(8) == 255) r.skip(32);  // Extended_SAR: sar_width, sar_height
  }
  if (r.flag()) r.skip(1);     // overscan_info_present -> overscan_appropriate
  if (r.flag()) {              // video_signal_type_present_flag
    r.skip(4);                 // video_format, video_full_range_flag
    if (r.flag()) r.skip(24);  // colour primaries, transfer, matrix
  }
  if (r.flag()) {  // chroma_loc_info_present_flag
    r.ue();
    r.ue();
  }
  if (!r.flag()) return std::nullopt;  // timing_info_present_flag
  const uint32_t num_units_in_tick = r.bits(32);
  const uint32_t time_scale = r.bits(32);
  if (!r.ok() || num_units_in_tick == 0 || time_scale == 0) return std::nullopt;
  // A frame is two field ticks (H.264 E.2.1, with fixed_frame_rate).
  return static_cast<double>(time_scale) / (2.0 * num_units_in_tick);
}

}  // namespace

Result<Sps> parse_sps(std::span<const uint8_t> nal) {
  if (nal.empty() || nal_type(nal[0]) != static_cast<uint8_t>(NalType::sps)) {
    return fail(Errc::malformed, "sps: not an SPS NAL unit");
  }
  const std::vector<uint8_t> rbsp = remove_emulation_prevention(nal.subspan(1));
  BitReader r(rbsp);
  Sps sps;
  sps.profile_idc = static_cast<uint8_t>(r.bits(8));
  sps.constraint_flags = static_cast<uint8_t>(r.bits(8));
  sps.level_idc = static_cast<uint8_t>(r.bits(8));
  sps.id = r.ue();
  if (!r.ok()) return tl::unexpected(r.error("sps: header"));
  if (sps.id > kMaxSpsId) return fail(Errc::malformed, "sps: seq_parameter_set_id over 31");
  if (has_chroma_info(sps.profile_idc)) {
    if (auto ok = read_chroma_info(r, sps); !ok) return tl::unexpected(ok.error());
  }
  const uint32_t log2_frame_num_minus4 = r.ue();
  if (log2_frame_num_minus4 > kMaxLog2Minus4) {
    return fail(Errc::malformed, "sps: log2_max_frame_num_minus4 out of range");
  }
  sps.log2_max_frame_num = log2_frame_num_minus4 + 4;
  if (auto ok = read_pic_order_cnt(r, sps); !ok) return tl::unexpected(ok.error());
  sps.max_num_ref_frames = r.ue();
  r.skip(1);  // gaps_in_frame_num_value_allowed_flag
  if (auto ok = read_size(r, sps); !ok) return tl::unexpected(ok.error());
  const bool vui_present = r.flag();
  if (!r.ok()) return tl::unexpected(r.error("sps: before vui_parameters_present_flag"));
  if (vui_present) sps.frame_rate = read_vui_frame_rate(r);
  return sps;
}

}  // namespace liverelay::avc
