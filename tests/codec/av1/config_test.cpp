// Tests for av1C parsing and the AV1 sequence header frame size, with a real libaom record.
#include "codec/av1/config.hpp"

#include <catch2/catch.hpp>
#include <vector>

#include "codec/av1/sequence_header.hpp"
#include "tests/codec/bit_writer.hpp"
#include "tests/codec/fixtures.hpp"

using liverelay::Errc;
using liverelay::testing::BitWriter;
namespace av1 = liverelay::av1;
namespace fixtures = liverelay::fixtures;

namespace {

// A sequence header OBU with obu_size, for a reduced still picture of the given size.
std::vector<uint8_t> still_picture_obu(uint32_t width, uint32_t height) {
  BitWriter w;
  w.bits(1, 3).flag(true).flag(true).bits(9, 5);  // profile 1, still, reduced header, level 9
  w.bits(15, 4).bits(15, 4).bits(width - 1, 16).bits(height - 1, 16);
  std::vector<uint8_t> payload = w.finish();
  std::vector<uint8_t> obu = {0x0a, static_cast<uint8_t>(payload.size())};
  obu.insert(obu.end(), payload.begin(), payload.end());
  return obu;
}

}  // namespace

TEST_CASE("av1C from libaom 360p is Main profile with its sequence header size 640x360") {
  auto config = av1::parse_config(fixtures::kAv1Main360Record);
  REQUIRE(config);
  CHECK(av1::profile_name(config->seq_profile) == "Main");
  CHECK(av1::level_name(config->seq_level_idx) == "2.1");
  CHECK_FALSE(config->high_bitdepth);
  auto header = av1::find_sequence_header(config->config_obus);
  REQUIRE(header);
  REQUIRE(*header);
  CHECK((*header)->seq_profile == 0);
  CHECK((*header)->seq_level_idx == config->seq_level_idx);
  CHECK((*header)->max_width == 640);
  CHECK((*header)->max_height == 360);
}

TEST_CASE("AV1 sequence header with a reduced still picture header gives its size") {
  const auto obu = still_picture_obu(4000, 3000);
  auto header = av1::find_sequence_header(obu);
  REQUIRE(header);
  REQUIRE(*header);
  CHECK((*header)->seq_profile == 1);
  CHECK((*header)->seq_level_idx == 9);
  CHECK((*header)->max_width == 4000);
  CHECK((*header)->max_height == 3000);
}

TEST_CASE("AV1 OBU walking skips a temporal delimiter before the sequence header") {
  std::vector<uint8_t> obus = {0x12, 0x00};  // OBU_TEMPORAL_DELIMITER, obu_size 0
  const auto sequence = still_picture_obu(320, 240);
  obus.insert(obus.end(), sequence.begin(), sequence.end());
  auto header = av1::find_sequence_header(obus);
  REQUIRE(header);
  REQUIRE(*header);
  CHECK((*header)->max_width == 320);
}

TEST_CASE("av1C without config OBUs has no sequence header") {
  const std::vector<uint8_t> record = {0x81, 0x00, 0x0c, 0x00};
  auto config = av1::parse_config(record);
  REQUIRE(config);
  auto header = av1::find_sequence_header(config->config_obus);
  REQUIRE(header);
  CHECK_FALSE(*header);
}

TEST_CASE("av1C parsing rejects a wrong marker and a short record") {
  CHECK(av1::parse_config(std::vector<uint8_t>{0x01, 0, 0, 0}).error().code == Errc::malformed);
  CHECK(av1::parse_config(std::vector<uint8_t>{0x81, 0}).error().code == Errc::truncated);
}

TEST_CASE("AV1 sequence header parsing rejects every truncation of the real config OBUs") {
  auto config = av1::parse_config(fixtures::kAv1Main360Record);
  REQUIRE(config);
  const std::span<const uint8_t> obus = config->config_obus;
  for (size_t length = 1; length < obus.size(); ++length) {
    INFO("length " << length);
    auto header = av1::find_sequence_header(obus.first(length));
    REQUIRE_FALSE(header);
    CHECK(header.error().code == Errc::truncated);
  }
}

TEST_CASE("AV1 level names are 2 plus the high bits, dot the low two") {
  CHECK(av1::level_name(0) == "2.0");
  CHECK(av1::level_name(8) == "4.0");
  CHECK(av1::level_name(13) == "5.1");
  CHECK(av1::level_name(31) == "max");
  CHECK(av1::profile_name(1) == "High");
  CHECK(av1::profile_name(2) == "Professional");
}
