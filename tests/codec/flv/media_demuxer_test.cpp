// Tests for the FLV media demuxer: real x264/aac/lame tag sequences and Enhanced RTMP headers.
#include "codec/flv/media_demuxer.hpp"

#include <catch2/catch.hpp>
#include <vector>

#include "tests/codec/fixtures.hpp"
#include "tests/codec/flv/tag_builder.hpp"

using liverelay::Errc;
using liverelay::media::Codec;
using liverelay::media::TrackKind;
using liverelay::testing::shared;
using liverelay::testing::shared_prefix;
using liverelay::testing::tag_bytes;
namespace flv = liverelay::flv;
namespace fixtures = liverelay::fixtures;

namespace {

const std::vector<uint8_t>* const kH264Tags[] = {&fixtures::kH264Tags0, &fixtures::kH264Tags1,
                                                 &fixtures::kH264Tags2, &fixtures::kH264Tags3};

flv::DemuxOutput video(flv::MediaDemuxer& demuxer, uint32_t timestamp, const std::vector<uint8_t>& tag) {
  auto out = demuxer.on_video(timestamp, shared(tag));
  REQUIRE(out);
  return *out;
}

flv::DemuxOutput audio(flv::MediaDemuxer& demuxer, uint32_t timestamp, const std::vector<uint8_t>& tag) {
  auto out = demuxer.on_audio(timestamp, shared(tag));
  REQUIRE(out);
  return *out;
}

std::vector<uint8_t> opus_head(uint8_t channels) {
  return {'O', 'p', 'u', 's', 'H', 'e', 'a', 'd', 1, channels, 0x38, 0x01, 0x80, 0xbb, 0, 0, 0, 0, 0};
}

}  // namespace

TEST_CASE("demuxer turns the x264 sequence header into a High 128x72 video config") {
  flv::MediaDemuxer demuxer;
  const auto out = video(demuxer, 0, fixtures::kH264Tags0);
  REQUIRE(out.video_config);
  CHECK(out.video_config->codec == Codec::h264);
  CHECK(out.video_config->profile == "High");
  CHECK(out.video_config->level == "1");
  CHECK(out.video_config->width == 128);
  CHECK(out.video_config->height == 72);
  CHECK(out.video_config->decoder_config ==
        std::vector<uint8_t>(fixtures::kH264Tags0.begin() + 5, fixtures::kH264Tags0.end()));
  CHECK_FALSE(out.packet);
  CHECK(demuxer.video_config() == out.video_config);
}

TEST_CASE("demuxer gives B-frames pts = dts + composition time") {
  flv::MediaDemuxer demuxer;
  const int64_t expected_pts[] = {67, 167, 100};  // IDR, P, B (x264 with 2 B-frames)
  video(demuxer, fixtures::kH264TagsTimestamps[0], fixtures::kH264Tags0);
  for (size_t i = 1; i < 4; ++i) {
    const auto out = video(demuxer, fixtures::kH264TagsTimestamps[i], *kH264Tags[i]);
    REQUIRE(out.packet);
    CHECK(out.packet->dts_ms == fixtures::kH264TagsTimestamps[i]);
    CHECK(out.packet->pts_ms == expected_pts[i - 1]);
    CHECK(out.packet->keyframe == (i == 1));
  }
}

TEST_CASE("demuxer packets share the tag and point the payload at the AVCC NAL units") {
  flv::MediaDemuxer demuxer;
  const auto tag = shared(fixtures::kH264Tags1);
  auto out = demuxer.on_video(0, tag);
  REQUIRE(out);
  REQUIRE(out->packet);
  const auto& packet = *out->packet;
  CHECK(packet.track == TrackKind::video);
  CHECK(packet.codec == Codec::h264);
  CHECK(packet.tag == tag);  // the same allocation, not a copy
  CHECK(packet.flv_tag().size() == fixtures::kH264Tags1.size());
  CHECK(packet.payload().size() == fixtures::kH264Tags1.size() - 5);
  CHECK(packet.payload()[0] == 0x00);  // a 4-byte NAL length begins the payload
}

TEST_CASE("demuxer passes a negative composition time through: pts below dts") {
  flv::MediaDemuxer demuxer;
  const auto out = video(demuxer, 1000, {0x27, 0x01, 0xff, 0xff, 0xdf, 0, 0, 0, 1, 0x41});
  REQUIRE(out.packet);
  CHECK(out.packet->dts_ms == 1000);
  CHECK(out.packet->pts_ms == 967);
}

TEST_CASE("demuxer reports a sequence header only when it changes") {
  flv::MediaDemuxer demuxer;
  CHECK(video(demuxer, 0, fixtures::kH264Tags0).video_config);
  CHECK_FALSE(video(demuxer, 40, fixtures::kH264Tags0).video_config);
  const auto changed =
      video(demuxer, 80, tag_bytes({0x17, 0, 0, 0, 0}, "", {}, fixtures::kAvcMain1080Record));
  REQUIRE(changed.video_config);
  CHECK(changed.video_config->height == 1080);
}

TEST_CASE("demuxer passes video frames that come before any sequence header") {
  flv::MediaDemuxer demuxer;
  const auto out = video(demuxer, 0, fixtures::kH264Tags1);
  CHECK(out.packet);
  CHECK_FALSE(out.video_config);
  CHECK_FALSE(demuxer.video_config());
}

TEST_CASE("demuxer yields nothing for empty tags, end of sequence and metadata") {
  flv::MediaDemuxer demuxer;
  for (const auto& tag : {std::vector<uint8_t>{}, std::vector<uint8_t>{0x17, 0x02, 0, 0, 0},
                          tag_bytes({0x84}, "hvc1", {0x02, 0x00})}) {
    const auto out = video(demuxer, 0, tag);
    CHECK_FALSE(out.packet);
    CHECK_FALSE(out.video_config);
  }
  CHECK(demuxer.on_video(0, nullptr));
  CHECK_FALSE(audio(demuxer, 0, {}).packet);
}

TEST_CASE("demuxer describes an Enhanced RTMP hvc1 sequence start from its hvcC") {
  flv::MediaDemuxer demuxer;
  const auto out = video(demuxer, 0, tag_bytes({0x90}, "hvc1", {}, fixtures::kHevcMain720Record));
  REQUIRE(out.video_config);
  CHECK(out.video_config->codec == Codec::hevc);
  CHECK(out.video_config->profile == "Main");
  CHECK(out.video_config->level == "3.1");
  CHECK(out.video_config->width == 1280);
  CHECK(out.video_config->height == 720);
  CHECK(out.video_config->decoder_config == fixtures::kHevcMain720Record);
}

TEST_CASE("demuxer describes an Enhanced RTMP av01 sequence start from its av1C") {
  flv::MediaDemuxer demuxer;
  const auto out = video(demuxer, 0, tag_bytes({0x90}, "av01", {}, fixtures::kAv1Main360Record));
  REQUIRE(out.video_config);
  CHECK(out.video_config->codec == Codec::av1);
  CHECK(out.video_config->profile == "Main");
  CHECK(out.video_config->level == "2.1");
  CHECK(out.video_config->width == 640);
  CHECK(out.video_config->height == 360);
  const auto frame = video(demuxer, 33, tag_bytes({0xa1}, "av01", {0x12, 0x00, 0x32}));
  REQUIRE(frame.packet);
  CHECK(frame.packet->codec == Codec::av1);
  CHECK(frame.packet->pts_ms == 33);
  CHECK(frame.packet->payload().size() == 3);
}

TEST_CASE("demuxer turns the AAC sequence header into an LC 44.1 kHz stereo config") {
  flv::MediaDemuxer demuxer;
  const auto out = audio(demuxer, 0, fixtures::kAacTags0);
  REQUIRE(out.audio_config);
  CHECK(out.audio_config->codec == Codec::aac);
  CHECK(out.audio_config->profile == "LC");
  CHECK(out.audio_config->sample_rate == 44100);
  CHECK(out.audio_config->channels == 2);
  CHECK(out.audio_config->specific_config == fixtures::kAacLc44100StereoConfig);
  CHECK_FALSE(audio(demuxer, 0, fixtures::kAacTags0).audio_config);
}

TEST_CASE("demuxer makes every raw AAC frame a keyframe packet with pts = dts") {
  flv::MediaDemuxer demuxer;
  audio(demuxer, 0, fixtures::kAacTags0);
  const auto out = audio(demuxer, 23, fixtures::kAacTags1);
  REQUIRE(out.packet);
  CHECK(out.packet->track == TrackKind::audio);
  CHECK(out.packet->codec == Codec::aac);
  CHECK(out.packet->keyframe);
  CHECK(out.packet->dts_ms == 23);
  CHECK(out.packet->pts_ms == 23);
  CHECK(out.packet->payload().size() == fixtures::kAacTags1.size() - 2);
}

TEST_CASE("demuxer describes MP3 from the tag flags with its first frame, then not again") {
  flv::MediaDemuxer demuxer;
  const auto first = audio(demuxer, 0, fixtures::kMp3Tags0);
  REQUIRE(first.audio_config);
  CHECK(first.audio_config->codec == Codec::mp3);
  CHECK(first.audio_config->sample_rate == 22050);
  CHECK(first.audio_config->channels == 1);
  REQUIRE(first.packet);
  CHECK(first.packet->payload_offset == 1);
  const auto second = audio(demuxer, 52, fixtures::kMp3Tags0);
  CHECK_FALSE(second.audio_config);
  CHECK(second.packet);
}

TEST_CASE("demuxer describes Enhanced RTMP Opus from its OpusHead") {
  flv::MediaDemuxer demuxer;
  const auto out = audio(demuxer, 0, tag_bytes({0x90}, "Opus", {}, opus_head(2)));
  REQUIRE(out.audio_config);
  CHECK(out.audio_config->codec == Codec::opus);
  CHECK(out.audio_config->sample_rate == 48000);
  CHECK(out.audio_config->channels == 2);
  auto bad = demuxer.on_audio(0, shared(tag_bytes({0x90}, "Opus", {}, opus_head(0))));
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == "audio sequence header: OpusHead: zero channels");
}

TEST_CASE("demuxer keeps audio and video on one timeline across the 32-bit wrap") {
  flv::MediaDemuxer demuxer;
  const auto before = video(demuxer, 0xFFFFFF00u, fixtures::kH264Tags1);
  const auto after = audio(demuxer, 0x00000100u, fixtures::kAacTags1);
  const auto late_video = video(demuxer, 0xFFFFFFF0u, fixtures::kH264Tags2);
  REQUIRE(before.packet);
  REQUIRE(after.packet);
  REQUIRE(late_video.packet);
  CHECK(before.packet->dts_ms == 0xFFFFFF00LL);
  CHECK(after.packet->dts_ms == 0x100000100LL);
  CHECK(late_video.packet->dts_ms == 0xFFFFFFF0LL);
  CHECK(late_video.packet->pts_ms == 0xFFFFFFF0LL + 133);
}

TEST_CASE("demuxer prefixes a bad sequence header's error with where it was") {
  flv::MediaDemuxer demuxer;
  auto out = demuxer.on_video(0, shared({0x17, 0x00, 0, 0, 0, 0x01, 0x64}));
  REQUIRE_FALSE(out);
  CHECK(out.error().code == Errc::truncated);
  CHECK(out.error().message == "video sequence header: avcC: shorter than its 6-byte header");
}

TEST_CASE("demuxer rejects every truncation of real sequence headers") {
  struct Case {
    const char* name;
    std::vector<uint8_t> tag;
    size_t optional_tail;  // trailing bytes whose absence is still a valid header
    bool is_video;
  };
  const Case cases[] = {
      {"avc", fixtures::kH264Tags0, 4, true},  // avcC High-profile tail
      {"hvc1", tag_bytes({0x90}, "hvc1", {}, fixtures::kHevcMain720Record), 0, true},
      {"aac", fixtures::kAacTags0, 3, false},  // the sync extension after 12 10
  };
  for (const Case& c : cases) {
    for (size_t length = 1; length < c.tag.size() - c.optional_tail; ++length) {
      INFO(c.name << " cut to " << length << " bytes");
      flv::MediaDemuxer demuxer;
      auto out = c.is_video ? demuxer.on_video(0, shared_prefix(c.tag, length))
                            : demuxer.on_audio(0, shared_prefix(c.tag, length));
      REQUIRE_FALSE(out);
      CHECK(out.error().code == Errc::truncated);
    }
  }
}

TEST_CASE("demuxer rejects every truncation of an av01 sequence start but the bare record") {
  const auto tag = tag_bytes({0x90}, "av01", {}, fixtures::kAv1Main360Record);
  constexpr size_t kBareRecord = 5 + 4;  // header and the av1C without configOBUs
  for (size_t length = 1; length < tag.size(); ++length) {
    INFO("cut to " << length << " bytes");
    flv::MediaDemuxer demuxer;
    auto out = demuxer.on_video(0, shared_prefix(tag, length));
    CHECK(static_cast<bool>(out) == (length == kBareRecord));
  }
}

TEST_CASE("demuxer rejects coded frames cut inside the header and relays shorter payloads") {
  for (const auto& tag : {fixtures::kH264Tags1, tag_bytes({0x91}, "hvc1", {0, 0, 0x21, 0xaa})}) {
    const size_t header_size = tag.size() == fixtures::kH264Tags1.size() ? 5 : 8;
    for (size_t length = 1; length <= tag.size(); ++length) {
      INFO("cut to " << length << " bytes");
      flv::MediaDemuxer demuxer;
      auto out = demuxer.on_video(0, shared_prefix(tag, length));
      if (length < header_size) {
        REQUIRE_FALSE(out);
        CHECK(out.error().code == Errc::truncated);
      } else {
        REQUIRE(out);
        REQUIRE(out->packet);
        CHECK(out->packet->payload().size() == length - header_size);
      }
    }
  }
}
