// Tests for AVCDecoderConfigurationRecord parsing with real x264 records.
#include "codec/avc/decoder_config.hpp"

#include <catch2/catch.hpp>
#include <vector>

#include "tests/codec/fixtures.hpp"

using liverelay::Errc;
namespace avc = liverelay::avc;
namespace fixtures = liverelay::fixtures;

TEST_CASE("avcC from x264 High 3.1 holds one SPS, one PPS and 4-byte NAL lengths") {
  auto config = avc::parse_decoder_config(fixtures::kAvcHigh720Record);
  REQUIRE(config);
  CHECK(config->version == 1);
  CHECK(config->profile_indication == 100);
  CHECK(config->level_indication == 31);
  CHECK(config->length_size == 4);
  REQUIRE(config->sps.size() == 1);
  REQUIRE(config->pps.size() == 1);
  CHECK((config->sps[0][0] & 0x1f) == 7);
  CHECK((config->pps[0][0] & 0x1f) == 8);
}

TEST_CASE("avcC from x264 Baseline carries the constraint flags in profile_compatibility") {
  auto config = avc::parse_decoder_config(fixtures::kAvcBaseline360Record);
  REQUIRE(config);
  CHECK(config->profile_indication == 66);
  CHECK(config->profile_compatibility == 0xc0);  // constraint_set0 and constraint_set1
  CHECK(config->level_indication == 30);
}

TEST_CASE("avcC parsing rejects every truncation of a real record") {
  const auto& record = fixtures::kAvcHigh720Record;
  // x264 ends a High record with the 4-byte tail of 5.2.4.1.1 (chroma_format, bit depths, no
  // SPS extensions), which is optional and not read: every cut before it must fail.
  constexpr size_t kHighProfileTail = 4;
  for (size_t length = 0; length < record.size() - kHighProfileTail; ++length) {
    INFO("length " << length);
    auto config = avc::parse_decoder_config(std::span<const uint8_t>(record).first(length));
    REQUIRE_FALSE(config);
    CHECK(config.error().code == Errc::truncated);
  }
}

TEST_CASE("avcC parsing rejects a configurationVersion other than 1") {
  std::vector<uint8_t> record = fixtures::kAvcHigh720Record;
  record[0] = 2;
  auto config = avc::parse_decoder_config(record);
  REQUIRE_FALSE(config);
  CHECK(config.error().code == Errc::malformed);
}

TEST_CASE("avcC parsing reads a 2-byte NAL length size and several parameter sets") {
  const std::vector<uint8_t> record = {1, 77,   0x40, 30,   0xfd, 0xe2,  // two SPS, lengthSize 2
                                       0, 2,    0x67, 0x4d, 0,    1,    0x67, 3,   0,
                                       1, 0x68, 0,    1,    0x68, 0,    1,    0x68};
  auto config = avc::parse_decoder_config(record);
  REQUIRE(config);
  CHECK(config->length_size == 2);
  CHECK(config->sps.size() == 2);
  CHECK(config->pps.size() == 3);
}
