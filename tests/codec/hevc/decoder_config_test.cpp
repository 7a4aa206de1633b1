// Tests for hvcC parsing and the H.265 SPS picture size, with real x265 records.
#include "codec/hevc/decoder_config.hpp"

#include <catch2/catch.hpp>
#include <vector>

#include "codec/hevc/profile_level.hpp"
#include "codec/hevc/sps.hpp"
#include "tests/codec/fixtures.hpp"

using liverelay::Errc;
namespace hevc = liverelay::hevc;
namespace fixtures = liverelay::fixtures;

TEST_CASE("hvcC from x265 720p is Main, level 3.1, with VPS, SPS and PPS arrays") {
  auto config = hevc::parse_decoder_config(fixtures::kHevcMain720Record);
  REQUIRE(config);
  CHECK(config->version == 1);
  CHECK(hevc::profile_name(config->profile_idc) == "Main");
  CHECK(config->level_idc == 93);
  CHECK(hevc::level_name(config->level_idc) == "3.1");
  CHECK_FALSE(config->high_tier);
  CHECK(config->length_size == 4);
  CHECK(config->chroma_format_idc == 1);
  REQUIRE(config->arrays.size() == 3);
  CHECK(config->arrays[0].nal_unit_type == hevc::kNalVps);
  CHECK(config->arrays[1].nal_unit_type == hevc::kNalSps);
  CHECK(config->arrays[2].nal_unit_type == hevc::kNalPps);
  CHECK_FALSE(config->first_unit(hevc::kNalSps).empty());
}

TEST_CASE("H.265 SPS from x265 720p gives 1280x720") {
  auto config = hevc::parse_decoder_config(fixtures::kHevcMain720Record);
  REQUIRE(config);
  auto sps = hevc::parse_sps(config->first_unit(hevc::kNalSps));
  REQUIRE(sps);
  CHECK(sps->profile_idc == 1);
  CHECK(sps->level_idc == 93);
  CHECK(sps->width == 1280);
  CHECK(sps->height == 720);
  CHECK(sps->bit_depth_luma == 8);
}

TEST_CASE("H.265 SPS from x265 Main 10 1080p applies the conformance window to 1088 lines") {
  auto config = hevc::parse_decoder_config(fixtures::kHevcMain10Record1080);
  REQUIRE(config);
  CHECK(hevc::profile_name(config->profile_idc) == "Main 10");
  CHECK(hevc::level_name(config->level_idc) == "4");
  CHECK(config->bit_depth_luma == 10);
  auto sps = hevc::parse_sps(config->first_unit(hevc::kNalSps));
  REQUIRE(sps);
  CHECK(sps->width == 1920);
  CHECK(sps->height == 1080);
  CHECK(sps->bit_depth_luma == 10);
  CHECK(sps->bit_depth_chroma == 10);
}

TEST_CASE("hvcC parsing rejects every truncation of a real record") {
  const auto& record = fixtures::kHevcMain720Record;
  for (size_t length = 0; length < record.size(); ++length) {
    INFO("length " << length);
    auto config = hevc::parse_decoder_config(std::span<const uint8_t>(record).first(length));
    REQUIRE_FALSE(config);
    CHECK(config.error().code == Errc::truncated);
  }
}

TEST_CASE("H.265 SPS parsing rejects every truncation before the bit depths") {
  auto config = hevc::parse_decoder_config(fixtures::kHevcMain720Record);
  REQUIRE(config);
  const auto nal = config->first_unit(hevc::kNalSps);
  // 2-byte header, 12 bytes of profile_tier_level, then a few bytes of Exp-Golomb fields.
  for (size_t length = 0; length < 16; ++length) {
    INFO("length " << length);
    CHECK_FALSE(hevc::parse_sps(nal.first(length)));
  }
}

TEST_CASE("H.265 SPS parsing rejects a NAL unit of another type") {
  auto config = hevc::parse_decoder_config(fixtures::kHevcMain720Record);
  REQUIRE(config);
  auto sps = hevc::parse_sps(config->first_unit(hevc::kNalPps));
  REQUIRE_FALSE(sps);
  CHECK(sps.error().code == Errc::malformed);
}

TEST_CASE("H.265 level names are a thirtieth of general_level_idc") {
  CHECK(hevc::level_name(30) == "1");
  CHECK(hevc::level_name(93) == "3.1");
  CHECK(hevc::level_name(120) == "4");
  CHECK(hevc::level_name(123) == "4.1");
  CHECK(hevc::level_name(153) == "5.1");
  CHECK(hevc::level_name(186) == "6.2");
}
