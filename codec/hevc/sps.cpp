// H.265 SPS parsing up to the bit depths: profile_tier_level, size, conformance window.
#include "codec/hevc/sps.hpp"

#include <string>
#include <vector>

#include "codec/avc/nal.hpp"
#include "codec/bit_reader.hpp"
#include "codec/hevc/decoder_config.hpp"

namespace liverelay::hevc {
namespace {

using codec::BitReader;

constexpr int kProfileBits = 88;      // H.265 7.3.3: space .. general_inbld_flag
constexpr uint32_t kMaxSize = 16888;  // H.265 A.4.1: 8 x sqrt(MaxLumaPs) at level 6.2
constexpr uint32_t kMaxBitDepthMinus8 = 8;

// H.265 7.3.3 profile_tier_level(1, max_sub_layers_minus1).
void read_profile_tier_level(BitReader& r, uint32_t max_sub_layers_minus1, Sps& sps) {
  r.skip(3);  // general_profile_space, general_tier_flag
  sps.profile_idc = static_cast<uint8_t>(r.bits(5));
  r.skip(kProfileBits - 8);
  sps.level_idc = static_cast<uint8_t>(r.bits(8));
  bool profile_present[8] = {};
  bool level_present[8] = {};
  for (uint32_t i = 0; i < max_sub_layers_minus1; ++i) {
    profile_present[i] = r.flag();
    level_present[i] = r.flag();
  }
  if (max_sub_layers_minus1 > 0) r.skip(2 * (8 - max_sub_layers_minus1));  // reserved_zero_2bits
  for (uint32_t i = 0; i < max_sub_layers_minus1; ++i) {
    if (profile_present[i]) r.skip(kProfileBits);
    if (level_present[i]) r.skip(8);
  }
}

// H.265 7.4.3.2.1: conformance window offsets count chroma samples.
Result<void> read_size(BitReader& r, Sps& sps) {
  bool separate_colour_plane = false;
  if (sps.chroma_format_idc == 3) separate_colour_plane = r.flag();
  const uint32_t width = r.ue();
  const uint32_t height = r.ue();
  uint64_t window[4] = {0, 0, 0, 0};  // left, right, top, bottom
  if (r.flag()) {
    for (uint64_t& offset : window) offset = r.ue();
  }
  if (!r.ok()) return tl::unexpected(r.error("hevc sps: picture size"));
  if (width == 0 || height == 0 || width > kMaxSize || height > kMaxSize) {
    return fail(Errc::malformed,
                "hevc sps: picture size " + std::to_string(width) + "x" + std::to_string(height));
  }
  const uint32_t chroma = separate_colour_plane ? 0 : sps.chroma_format_idc;
  const uint64_t sub_width = chroma == 1 || chroma == 2 ? 2 : 1;
  const uint64_t sub_height = chroma == 1 ? 2 : 1;
  const uint64_t crop_x = sub_width * (window[0] + window[1]);
  const uint64_t crop_y = sub_height * (window[2] + window[3]);
  if (crop_x >= width || crop_y >= height) {
    return fail(Errc::malformed, "hevc sps: conformance window larger than the picture");
  }
  sps.width = static_cast<int>(width - crop_x);
  sps.height = static_cast<int>(height - crop_y);
  return {};
}

}  // namespace

Result<Sps> parse_sps(std::span<const uint8_t> nal) {
  if (nal.size() < 2 || ((nal[0] >> 1) & 0x3f) != kNalSps) {
    return fail(Errc::malformed, "hevc sps: not an SPS NAL unit");
  }
  const std::vector<uint8_t> rbsp = avc::remove_emulation_prevention(nal.subspan(2));
  BitReader r(rbsp);
  Sps sps;
  r.skip(4);  // sps_video_parameter_set_id
  const uint32_t max_sub_layers_minus1 = r.bits(3);
  r.skip(1);  // sps_temporal_id_nesting_flag
  if (max_sub_layers_minus1 > 6) {
    return fail(Errc::malformed, "hevc sps: sps_max_sub_layers_minus1 over 6");
  }
  read_profile_tier_level(r, max_sub_layers_minus1, sps);
  r.ue();  // sps_seq_parameter_set_id
  sps.chroma_format_idc = r.ue();
  if (!r.ok()) return tl::unexpected(r.error("hevc sps: profile_tier_level"));
  if (sps.chroma_format_idc > 3) return fail(Errc::malformed, "hevc sps: chroma_format_idc over 3");
  if (auto ok = read_size(r, sps); !ok) return tl::unexpected(ok.error());
  const uint32_t luma = r.ue();
  const uint32_t chroma = r.ue();
  if (!r.ok()) return tl::unexpected(r.error("hevc sps: bit depth"));
  if (luma > kMaxBitDepthMinus8 || chroma > kMaxBitDepthMinus8) {
    return fail(Errc::malformed, "hevc sps: bit depth over 16");
  }
  sps.bit_depth_luma = luma + 8;
  sps.bit_depth_chroma = chroma + 8;
  return sps;
}

}  // namespace liverelay::hevc
