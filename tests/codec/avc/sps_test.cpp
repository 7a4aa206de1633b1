// Tests for H.264 SPS parsing: real x264 SPSs of several profiles, and hand-built edge cases.
#include "codec/avc/sps.hpp"

#include <catch2/catch.hpp>
#include <vector>

#include "codec/avc/decoder_config.hpp"
#include "codec/avc/profile_level.hpp"
#include "tests/codec/bit_writer.hpp"
#include "tests/codec/fixtures.hpp"

using liverelay::Errc;
using liverelay::testing::BitWriter;
namespace avc = liverelay::avc;
namespace fixtures = liverelay::fixtures;

namespace {

avc::Sps sps_of(const std::vector<uint8_t>& record) {
  auto config = avc::parse_decoder_config(record);
  REQUIRE(config);
  REQUIRE_FALSE(config->sps.empty());
  auto sps = avc::parse_sps(config->sps.front());
  REQUIRE(sps);
  return *sps;
}

std::string profile_of(const avc::Sps& sps) {
  return avc::profile_name(sps.profile_idc, sps.constraint_flags);
}

std::string level_of(const avc::Sps& sps) {
  return avc::level_name(sps.profile_idc, sps.constraint_flags, sps.level_idc);
}

// A Main-profile SPS up to the size fields, with the picture order count part chosen by `poc`.
template <class PocWriter>
std::vector<uint8_t> main_sps(PocWriter poc, uint32_t width_mbs, uint32_t height_mbs, uint32_t crop_bottom) {
  BitWriter w;
  w.bits(0x67, 8).bits(77, 8).bits(0x40, 8).bits(30, 8);  // NAL header, Main, set1, level 3
  w.ue(0).ue(0);                                          // sps id, log2_max_frame_num - 4
  poc(w);
  w.ue(4).flag(false);                                // max_num_ref_frames, gaps
  w.ue(width_mbs - 1).ue(height_mbs - 1).flag(true);  // frame_mbs_only
  w.flag(true);                                       // direct_8x8_inference
  w.flag(crop_bottom != 0);
  if (crop_bottom != 0) w.ue(0).ue(0).ue(0).ue(crop_bottom);
  w.flag(false);  // no VUI
  return w.finish_rbsp();
}

}  // namespace

TEST_CASE("SPS of x264 High 3.1 720p reads as High, 3.1, 1280x720 at 30 fps") {
  const avc::Sps sps = sps_of(fixtures::kAvcHigh720Record);
  CHECK(profile_of(sps) == "High");
  CHECK(level_of(sps) == "3.1");
  CHECK(sps.width == 1280);
  CHECK(sps.height == 720);
  CHECK(sps.chroma_format_idc == 1);
  CHECK(sps.bit_depth_luma == 8);
  CHECK(sps.pic_order_cnt_type == 0);  // B-frames
  CHECK(sps.frame_mbs_only);
  REQUIRE(sps.frame_rate);
  CHECK(*sps.frame_rate == Approx(30.0));
}

TEST_CASE("SPS of x264 Baseline 360p crops 368 coded lines to 360") {
  const avc::Sps sps = sps_of(fixtures::kAvcBaseline360Record);
  CHECK(profile_of(sps) == "Constrained Baseline");
  CHECK(level_of(sps) == "3");
  CHECK(sps.width == 640);
  CHECK(sps.height == 360);
  CHECK(sps.pic_order_cnt_type == 2);  // no B-frames
}

TEST_CASE("SPS of x264 Main 1080p crops 1088 coded lines to 1080") {
  const avc::Sps sps = sps_of(fixtures::kAvcMain1080Record);
  CHECK(profile_of(sps) == "Main");
  CHECK(level_of(sps) == "4");
  CHECK(sps.width == 1920);
  CHECK(sps.height == 1080);
  REQUIRE(sps.frame_rate);
  CHECK(*sps.frame_rate == Approx(25.0));
}

TEST_CASE("SPS of x264 High 4:4:4 skips the scaling lists and still finds the size") {
  const avc::Sps sps = sps_of(fixtures::kAvcHigh444ScalingRecord);
  CHECK(profile_of(sps) == "High 4:4:4 Predictive");
  CHECK(sps.chroma_format_idc == 3);
  CHECK(sps.width == 320);
  CHECK(sps.height == 240);
  REQUIRE(sps.frame_rate);
  CHECK(*sps.frame_rate == Approx(30.0));
}

TEST_CASE("SPS of interlaced x264 1080 counts map units as field pairs") {
  const avc::Sps sps = sps_of(fixtures::kAvcInterlaced1080Record);
  CHECK_FALSE(sps.frame_mbs_only);
  CHECK(sps.width == 1920);
  CHECK(sps.height == 1080);
}

TEST_CASE("SPS of x264 High 10 reports 10-bit luma and chroma") {
  const avc::Sps sps = sps_of(fixtures::kAvcHigh10Record);
  CHECK(profile_of(sps) == "High 10");
  CHECK(sps.bit_depth_luma == 10);
  CHECK(sps.bit_depth_chroma == 10);
  CHECK(sps.width == 640);
  CHECK(sps.height == 360);
}

TEST_CASE("SPS with pic_order_cnt_type 1 skips its offset cycle") {
  const auto nal =
      main_sps([](BitWriter& w) { w.ue(1).flag(false).se(-2).se(1).ue(3).se(5).se(-7).se(100); }, 80, 45, 0);
  auto sps = avc::parse_sps(nal);
  REQUIRE(sps);
  CHECK(sps->pic_order_cnt_type == 1);
  CHECK(sps->max_num_ref_frames == 4);
  CHECK(sps->width == 1280);
  CHECK(sps->height == 720);
  CHECK_FALSE(sps->frame_rate);
}

TEST_CASE("SPS frame cropping counts in 2-line units for 4:2:0 frames") {
  const auto nal = main_sps([](BitWriter& w) { w.ue(2); }, 120, 68, 4);
  auto sps = avc::parse_sps(nal);
  REQUIRE(sps);
  CHECK(sps->width == 1920);
  CHECK(sps->height == 1080);
}

TEST_CASE("SPS parsing rejects cropping that removes the whole picture") {
  const auto nal = main_sps([](BitWriter& w) { w.ue(2); }, 2, 2, 16);
  auto sps = avc::parse_sps(nal);
  REQUIRE_FALSE(sps);
  CHECK(sps.error().code == Errc::malformed);
}

TEST_CASE("SPS parsing rejects a pic_order_cnt_type above 2") {
  const auto nal = main_sps([](BitWriter& w) { w.ue(3); }, 80, 45, 0);
  auto sps = avc::parse_sps(nal);
  REQUIRE_FALSE(sps);
  CHECK(sps.error().message == "sps: pic_order_cnt_type 3");
}

TEST_CASE("SPS parsing rejects a NAL unit that is not an SPS") {
  const std::vector<uint8_t> pps = {0x68, 0xeb, 0xe3, 0xcb};
  CHECK(avc::parse_sps(pps).error().code == Errc::malformed);
}

TEST_CASE("SPS parsing rejects every truncation of a real SPS before its VUI") {
  auto config = avc::parse_decoder_config(fixtures::kAvcMain1080Record);
  REQUIRE(config);
  const auto& nal = config->sps.front();
  bool parsed_shorter = false;
  for (size_t length = 0; length < nal.size(); ++length) {
    INFO("length " << length);
    auto sps = avc::parse_sps(std::span<const uint8_t>(nal).first(length));
    // The fields up to the cropping end in byte 9 (header included): a cut before must fail.
    if (length <= 9) CHECK_FALSE(sps);
    // Once the size is complete, a cut inside the VUI keeps it; the frame rate is there only if
    // its fields were.
    if (parsed_shorter) CHECK(sps);
    if (!sps) continue;
    parsed_shorter = true;
    CHECK(sps->height == 1080);
    if (sps->frame_rate) CHECK(*sps->frame_rate == Approx(25.0));
  }
  CHECK(parsed_shorter);
}

TEST_CASE("H.264 profile names follow the constraint flags") {
  CHECK(avc::profile_name(66, 0x00) == "Baseline");
  CHECK(avc::profile_name(66, avc::kConstraintSet1) == "Constrained Baseline");
  CHECK(avc::profile_name(77, 0) == "Main");
  CHECK(avc::profile_name(88, 0) == "Extended");
  CHECK(avc::profile_name(100, 0) == "High");
  CHECK(avc::profile_name(110, 0) == "High 10");
  CHECK(avc::profile_name(122, 0) == "High 4:2:2");
  CHECK(avc::profile_name(244, 0) == "High 4:4:4 Predictive");
  CHECK(avc::profile_name(7, 0).empty());
}

TEST_CASE("H.264 level names drop a zero minor and know level 1b") {
  CHECK(avc::level_name(100, 0, 31) == "3.1");
  CHECK(avc::level_name(100, 0, 40) == "4");
  CHECK(avc::level_name(100, 0, 52) == "5.2");
  CHECK(avc::level_name(66, avc::kConstraintSet3, 11) == "1b");
  CHECK(avc::level_name(100, avc::kConstraintSet3, 11) == "1.1");
  CHECK(avc::level_name(100, 0, 9) == "1b");
}
