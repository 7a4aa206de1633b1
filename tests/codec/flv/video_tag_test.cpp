// Tests for FLV video tag headers: legacy AVC from a real x264 capture, Enhanced RTMP by hand.
#include "codec/flv/video_tag.hpp"

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

flv::VideoTagHeader parse_video_header(const std::vector<uint8_t>& tag) {
  auto header = flv::parse_video_tag_header(tag);
  REQUIRE(header);
  return *header;
}

}  // namespace

TEST_CASE("legacy AVC sequence header tag is a keyframe sequence start with payload at 5") {
  const auto header = parse_video_header(fixtures::kH264Tags0);
  CHECK(header.codec == Codec::h264);
  CHECK_FALSE(header.enhanced);
  CHECK(header.kind == flv::VideoPacketKind::sequence_start);
  CHECK(header.keyframe());
  CHECK(header.payload_offset == 5);
}

TEST_CASE("legacy AVC tags from x264 carry frame types and composition times") {
  const auto idr = parse_video_header(fixtures::kH264Tags1);
  CHECK(idr.kind == flv::VideoPacketKind::coded_frames);
  CHECK(idr.keyframe());
  CHECK(idr.composition_time_ms == 67);

  const auto inter = parse_video_header(fixtures::kH264Tags2);
  CHECK_FALSE(inter.keyframe());
  CHECK(inter.frame_type == flv::kFrameInter);
  CHECK(inter.composition_time_ms == 133);

  const auto b_frame = parse_video_header(fixtures::kH264Tags3);
  CHECK(b_frame.composition_time_ms == 33);
}

TEST_CASE("legacy AVC composition time is signed: 0xFFFFDF is -33 ms") {
  const auto header = parse_video_header({0x27, 0x01, 0xff, 0xff, 0xdf, 0x00, 0x00, 0x00, 0x01, 0x41});
  CHECK(header.composition_time_ms == -33);
}

TEST_CASE("legacy AVC end of sequence tag is a sequence end") {
  CHECK(parse_video_header({0x17, 0x02, 0x00, 0x00, 0x00}).kind == flv::VideoPacketKind::sequence_end);
}

TEST_CASE("legacy AVC packet type above 2 is malformed") {
  auto header = flv::parse_video_tag_header(std::vector<uint8_t>{0x17, 0x03, 0, 0, 0});
  REQUIRE_FALSE(header);
  CHECK(header.error().code == Errc::malformed);
}

TEST_CASE("legacy AVC header cut short names where it ended") {
  const std::vector<uint8_t> tag = {0x17, 0x01, 0x00, 0x00, 0x43};
  auto at_type = flv::parse_video_tag_header(std::span<const uint8_t>(tag).first(1));
  CHECK(at_type.error().message == "video tag: AVC packet truncated at packet type");
  for (size_t length = 2; length < tag.size(); ++length) {
    auto header = flv::parse_video_tag_header(std::span<const uint8_t>(tag).first(length));
    REQUIRE_FALSE(header);
    CHECK(header.error().code == Errc::truncated);
    CHECK(header.error().message == "video tag: AVC packet truncated at composition time");
  }
}

TEST_CASE("legacy non-AVC codecs pass as opaque coded frames after the first byte") {
  const auto vp6 = parse_video_header({0x24, 0x00, 0x12});
  CHECK(vp6.codec == Codec::unknown);
  CHECK(vp6.kind == flv::VideoPacketKind::coded_frames);
  CHECK(vp6.payload_offset == 1);
}

TEST_CASE("legacy command frames are ignored") {
  CHECK(parse_video_header({0x57, 0x00}).kind == flv::VideoPacketKind::ignored);
}

TEST_CASE("enhanced hvc1 sequence start has the hvcC right after the FourCC") {
  const auto header = parse_video_header(tag_bytes({0x90}, "hvc1", {}, fixtures::kHevcMain720Record));
  CHECK(header.enhanced);
  CHECK(header.codec == Codec::hevc);
  CHECK(header.kind == flv::VideoPacketKind::sequence_start);
  CHECK(header.keyframe());
  CHECK(header.payload_offset == 5);
}

TEST_CASE("enhanced hvc1 coded frames carry a composition time, CodedFramesX do not") {
  const auto coded = parse_video_header(tag_bytes({0xa1}, "hvc1", {0xff, 0xff, 0xdf, 0x00}));
  CHECK(coded.kind == flv::VideoPacketKind::coded_frames);
  CHECK(coded.frame_type == flv::kFrameInter);
  CHECK(coded.composition_time_ms == -33);
  CHECK(coded.payload_offset == 8);

  const auto coded_x = parse_video_header(tag_bytes({0x93}, "hvc1", {0x00}));
  CHECK(coded_x.kind == flv::VideoPacketKind::coded_frames);
  CHECK(coded_x.keyframe());
  CHECK(coded_x.composition_time_ms == 0);
  CHECK(coded_x.payload_offset == 5);
}

TEST_CASE("enhanced av01 and vp09 coded frames have no composition time") {
  const auto av1 = parse_video_header(tag_bytes({0x91}, "av01", {0x12, 0x00}));
  CHECK(av1.codec == Codec::av1);
  CHECK(av1.payload_offset == 5);
  CHECK(parse_video_header(tag_bytes({0xa1}, "vp09", {0x00})).codec == Codec::vp9);
}

TEST_CASE("enhanced avc1 is H.264 with a composition time") {
  const auto header = parse_video_header(tag_bytes({0x91}, "avc1", {0x00, 0x00, 0x21}));
  CHECK(header.codec == Codec::h264);
  CHECK(header.composition_time_ms == 33);
}

TEST_CASE("enhanced ModEx data is skipped to the real packet type") {
  // ModEx with 3 bytes of TimestampOffsetNano, then CodedFrames.
  const auto header =
      parse_video_header(tag_bytes({0x97, 0x02, 0x00, 0x01, 0x02, 0x01}, "hvc1", {0, 0, 0x21}));
  CHECK(header.kind == flv::VideoPacketKind::coded_frames);
  CHECK(header.composition_time_ms == 33);
  CHECK(header.payload_offset == 13);
}

TEST_CASE("enhanced ModEx of 256 bytes or more escapes its size to 16 bits") {
  std::vector<uint8_t> tag = {0x97, 0xff, 0x01, 0x00};  // size 0x0100 + 1 = 257
  tag.insert(tag.end(), 257, 0xaa);
  tag.push_back(0x03);  // CodedFramesX
  tag.insert(tag.end(), {'a', 'v', '0', '1', 0x12});
  const auto header = parse_video_header(tag);
  CHECK(header.codec == Codec::av1);
  CHECK(header.payload_offset == tag.size() - 1);
}

TEST_CASE("enhanced metadata, multitrack, command and reserved packets are ignored") {
  CHECK(parse_video_header(tag_bytes({0x84}, "hvc1", {0x02})).kind == flv::VideoPacketKind::ignored);
  CHECK(parse_video_header({0x96, 0x00}).kind == flv::VideoPacketKind::ignored);
  CHECK(parse_video_header(tag_bytes({0xd1}, "avc1", {0x00})).kind == flv::VideoPacketKind::ignored);
  CHECK(parse_video_header(tag_bytes({0x9c}, "hvc1", {})).kind == flv::VideoPacketKind::ignored);
}

TEST_CASE("enhanced unknown FourCC is relayed with an unknown codec") {
  const auto header = parse_video_header(tag_bytes({0x91}, "vvc1", {0x00}));
  CHECK(header.codec == Codec::unknown);
  CHECK(header.kind == flv::VideoPacketKind::coded_frames);
}

TEST_CASE("enhanced header cut anywhere before its payload is truncated") {
  const auto tag = tag_bytes({0x97, 0x02, 0x00, 0x01, 0x02, 0x01}, "hvc1", {0, 0, 0x21});
  for (size_t length = 1; length < tag.size(); ++length) {
    INFO("length " << length);
    auto header = flv::parse_video_tag_header(std::span<const uint8_t>(tag).first(length));
    REQUIRE_FALSE(header);
    CHECK(header.error().code == Errc::truncated);
  }
}
