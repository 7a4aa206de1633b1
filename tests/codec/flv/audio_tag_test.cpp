// Tests for FLV audio tag headers: real AAC and MP3 captures, Enhanced RTMP v2 by hand.
#include "codec/flv/audio_tag.hpp"

#include <catch2/catch.hpp>
#include <vector>

#include "tests/codec/fixtures.hpp"
#include "tests/codec/flv/tag_builder.hpp"

using liverelay::Errc;
using liverelay::media::Codec;
using liverelay::testing::tag_bytes;
namespace flv = liverelay::flv;
namespace fixtures = liverelay::fixtures;

namespace {

flv::AudioTagHeader parse_audio_header(const std::vector<uint8_t>& tag) {
  auto header = flv::parse_audio_tag_header(tag);
  REQUIRE(header);
  return *header;
}

}  // namespace

TEST_CASE("AAC sequence header tag puts the AudioSpecificConfig at offset 2") {
  const auto header = parse_audio_header(fixtures::kAacTags0);
  CHECK(header.codec == Codec::aac);
  CHECK(header.kind == flv::AudioPacketKind::sequence_start);
  CHECK(header.payload_offset == 2);
  CHECK(fixtures::kAacTags0[2] == 0x12);
}

TEST_CASE("AAC raw tag is coded frames at offset 2, with no rate taken from the flags") {
  const auto header = parse_audio_header(fixtures::kAacTags1);
  CHECK(header.kind == flv::AudioPacketKind::coded_frames);
  CHECK(header.payload_offset == 2);
  CHECK(header.sample_rate == 0);
}

TEST_CASE("MP3 tag from lame takes its rate and channels from the flags") {
  const auto header = parse_audio_header(fixtures::kMp3Tags0);
  CHECK(header.codec == Codec::mp3);
  CHECK(header.kind == flv::AudioPacketKind::coded_frames);
  CHECK(header.sample_rate == 22050);
  CHECK(header.channels == 1);
  CHECK(header.payload_offset == 1);
  CHECK(fixtures::kMp3Tags0[1] == 0xff);  // the MPEG audio frame sync follows at once
}

TEST_CASE("other sound formats are opaque coded frames of unknown codec") {
  const auto speex = parse_audio_header({0xb2, 0x01, 0x02});
  CHECK(speex.codec == Codec::unknown);
  CHECK(speex.kind == flv::AudioPacketKind::coded_frames);
  CHECK(speex.payload_offset == 1);
  CHECK(speex.sample_rate == 5512);
}

TEST_CASE("AAC packet type above 1 is malformed, and a missing one truncated") {
  auto bad = flv::parse_audio_tag_header(std::vector<uint8_t>{0xaf, 0x02, 0x00});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == Errc::malformed);
  auto cut = flv::parse_audio_tag_header(std::vector<uint8_t>{0xaf});
  REQUIRE_FALSE(cut);
  CHECK(cut.error().code == Errc::truncated);
  CHECK(cut.error().message == "audio tag: AAC packet truncated at packet type");
}

TEST_CASE("enhanced Opus sequence start has the OpusHead after the FourCC") {
  const auto header = parse_audio_header(tag_bytes({0x90}, "Opus", {'O', 'p', 'u', 's'}));
  CHECK(header.enhanced);
  CHECK(header.codec == Codec::opus);
  CHECK(header.kind == flv::AudioPacketKind::sequence_start);
  CHECK(header.payload_offset == 5);
}

TEST_CASE("enhanced mp4a coded frames are AAC") {
  const auto header = parse_audio_header(tag_bytes({0x91}, "mp4a", {0x21}));
  CHECK(header.codec == Codec::aac);
  CHECK(header.kind == flv::AudioPacketKind::coded_frames);
}

TEST_CASE("enhanced audio ModEx is skipped to the real packet type") {
  const auto header = parse_audio_header(tag_bytes({0x97, 0x02, 0x00, 0x00, 0x10, 0x01}, "Opus", {0xfc}));
  CHECK(header.kind == flv::AudioPacketKind::coded_frames);
  CHECK(header.payload_offset == 10);
}

TEST_CASE("enhanced audio sequence end, multichannel config and multitrack are ignored") {
  CHECK(parse_audio_header(tag_bytes({0x92}, "Opus", {})).kind == flv::AudioPacketKind::ignored);
  CHECK(parse_audio_header(tag_bytes({0x94}, "Opus", {0x00, 0x02})).kind == flv::AudioPacketKind::ignored);
  CHECK(parse_audio_header({0x95, 0x00}).kind == flv::AudioPacketKind::ignored);
}

TEST_CASE("enhanced audio header cut before its payload is truncated") {
  const auto tag = tag_bytes({0x91}, "Opus", {0xfc});
  for (size_t length = 1; length < 5; ++length) {
    auto header = flv::parse_audio_tag_header(std::span<const uint8_t>(tag).first(length));
    REQUIRE_FALSE(header);
    CHECK(header.error().message == "audio tag: enhanced header truncated at FourCC");
  }
}
