// Tests for AudioSpecificConfig parsing: real ffmpeg configs and hand-built HE-AAC variants.
#include "codec/aac/audio_specific_config.hpp"

#include <catch2/catch.hpp>
#include <vector>

#include "tests/codec/bit_writer.hpp"
#include "tests/codec/fixtures.hpp"

using liverelay::Errc;
using liverelay::testing::BitWriter;
namespace aac = liverelay::aac;
namespace fixtures = liverelay::fixtures;

namespace {

aac::AudioSpecificConfig parse_config(const std::vector<uint8_t>& bytes) {
  auto config = aac::parse_audio_specific_config(bytes);
  REQUIRE(config);
  return *config;
}

}  // namespace

TEST_CASE("ASC 0x12 0x10 is AAC LC at 44.1 kHz stereo") {
  const auto config = parse_config({0x12, 0x10});
  CHECK(config.object_type == 2);
  CHECK(aac::profile_name(config) == "LC");
  CHECK(config.sample_rate == 44100);
  CHECK(config.channels == 2);
  CHECK_FALSE(config.sbr);
}

TEST_CASE("ASC 0x11 0x90 is AAC LC at 48 kHz stereo") {
  const auto config = parse_config({0x11, 0x90});
  CHECK(aac::profile_name(config) == "LC");
  CHECK(config.output_sample_rate() == 48000);
  CHECK(config.output_channels() == 2);
}

TEST_CASE("ffmpeg's ASC with a sync extension saying no SBR stays plain LC") {
  const auto config = parse_config(fixtures::kAacLc44100StereoConfig);
  REQUIRE(fixtures::kAacLc44100StereoConfig.size() == 5);  // 12 10 56 e5 00
  CHECK(aac::profile_name(config) == "LC");
  CHECK_FALSE(config.sbr);
  CHECK(config.output_sample_rate() == 44100);
  CHECK(parse_config(fixtures::kAacLc48000StereoConfig).output_sample_rate() == 48000);
}

TEST_CASE("ASC with explicit hierarchical SBR signalling is HE-AAC at the doubled rate") {
  // AOT 5, 24 kHz core, stereo, 48 kHz extension, core AOT 2, GASpecificConfig.
  const auto config = parse_config({0x2b, 0x11, 0x88, 0x00});
  CHECK(aac::profile_name(config) == "HE-AAC");
  CHECK(config.object_type == 2);
  CHECK(config.sample_rate == 24000);
  CHECK(config.output_sample_rate() == 48000);
  CHECK(config.output_channels() == 2);
}

TEST_CASE("ASC with explicit hierarchical PS signalling is HE-AACv2 with stereo output") {
  // AOT 29, 24 kHz core, mono, 48 kHz extension, core AOT 2.
  const auto config = parse_config({0xeb, 0x09, 0x88, 0x00});
  CHECK(aac::profile_name(config) == "HE-AACv2");
  CHECK(config.channels == 1);
  CHECK(config.output_channels() == 2);
  CHECK(config.output_sample_rate() == 48000);
}

TEST_CASE("ASC with backward-compatible SBR and PS extensions is HE-AACv2") {
  const auto bytes = BitWriter()
                         .bits(2, 5)
                         .bits(7, 4)
                         .bits(1, 4)
                         .bits(0, 3)  // LC 22.05 kHz mono
                         .bits(0x2b7, 11)
                         .bits(5, 5)
                         .flag(true)
                         .bits(4, 4)  // SBR to 44.1 kHz
                         .bits(0x548, 11)
                         .flag(true)  // PS
                         .finish();
  const auto config = parse_config(bytes);
  CHECK(config.sbr);
  CHECK(config.ps);
  CHECK(aac::profile_name(config) == "HE-AACv2");
  CHECK(config.output_sample_rate() == 44100);
  CHECK(config.output_channels() == 2);
}

TEST_CASE("ASC with a backward-compatible SBR extension alone is HE-AAC") {
  const auto config = parse_config({0x13, 0x90, 0x56, 0xe5, 0xa0});  // LC 22.05 kHz + SBR 44.1 kHz
  CHECK(aac::profile_name(config) == "HE-AAC");
  CHECK(config.output_sample_rate() == 44100);
  CHECK(config.output_channels() == 2);
}

TEST_CASE("ASC object type 31 escapes to 32 plus six more bits") {
  // AOT 42 (USAC): 31 then 10; 48 kHz; stereo.
  const auto bytes = BitWriter().bits(31, 5).bits(10, 6).bits(3, 4).bits(2, 4).finish();
  const auto config = parse_config(bytes);
  CHECK(config.object_type == 42);
  CHECK(config.sample_rate == 48000);
  CHECK(config.channels == 2);
  CHECK(aac::profile_name(config).empty());
}

TEST_CASE("ASC sampling frequency index 15 takes an explicit 24-bit frequency") {
  const auto bytes = BitWriter().bits(2, 5).bits(15, 4).bits(37800, 24).bits(1, 4).bits(0, 3).finish();
  const auto config = parse_config(bytes);
  CHECK(config.sample_rate == 37800);
  CHECK(config.channels == 1);
}

TEST_CASE("ASC channel configuration 0 counts channels in the program config element") {
  BitWriter w;
  w.bits(2, 5).bits(3, 4).bits(0, 4).bits(0, 3);  // LC 48 kHz, PCE, GASpecificConfig flags
  w.bits(0, 4).bits(1, 2).bits(3, 4);             // element tag, object type, frequency index
  w.bits(2, 4).bits(0, 4).bits(1, 4).bits(1, 2);  // 2 front, 0 side, 1 back, 1 LFE
  w.bits(0, 3).bits(0, 4).flag(false).flag(false).flag(false);
  w.flag(false).bits(0, 4).flag(true).bits(1, 4);  // front: centre SCE, L/R CPE
  w.flag(true).bits(2, 4);                         // back: surround CPE
  w.bits(0, 4);                                    // LFE tag
  const auto config = parse_config(w.finish());
  CHECK(config.channel_configuration == 0);
  CHECK(config.channels == 6);
}

TEST_CASE("ASC channel configuration 7 is 7.1, eight channels") {
  CHECK(parse_config({0x11, 0xb8}).channels == 8);
}

TEST_CASE("ASC parsing rejects a reserved sampling frequency index") {
  auto config = aac::parse_audio_specific_config(std::vector<uint8_t>{0x16, 0x90});  // index 13
  REQUIRE_FALSE(config);
  CHECK(config.error().code == Errc::malformed);
}

TEST_CASE("ASC parsing rejects every truncation of the core config") {
  const std::vector<uint8_t> he_aac = {0x2b, 0x11, 0x88, 0x00};
  for (size_t length = 0; length < he_aac.size(); ++length) {
    INFO("length " << length);
    auto config = aac::parse_audio_specific_config(std::span<const uint8_t>(he_aac).first(length));
    REQUIRE_FALSE(config);
    CHECK(config.error().code == Errc::truncated);
  }
  CHECK_FALSE(aac::parse_audio_specific_config(std::vector<uint8_t>{0x12}));
}
