// Tests for the HLS segment muxer's single-track streams, bad configurations and timestamp repair.
#include "codec/hls/segment_muxer.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "tests/codec/fixtures.hpp"
#include "tests/codec/hls/av_probe.hpp"
#include "tests/codec/hls/flv_file.hpp"
#include "tests/codec/hls/mux_segments.hpp"

using liverelay::Errc;
using liverelay::hls::SegmentFormat;
using liverelay::hls::SegmentMuxer;
using liverelay::media::Codec;
using liverelay::media::MediaPacket;
using liverelay::media::TrackKind;
using liverelay::testing::h264_aac_fixture;
using liverelay::testing::mux_segments;
using liverelay::testing::probe_bytes;

namespace {

const char* demuxer_for(SegmentFormat format) {
  return format == SegmentFormat::ts ? "mpegts" : "mp4";
}

}  // namespace

TEST_CASE("an audio-only muxer writes AAC segments that demux to every input frame", "[hls]") {
  const auto format = GENERATE(SegmentFormat::ts, SegmentFormat::fmp4);
  const auto audio = h264_aac_fixture().only(TrackKind::audio);
  const auto muxed = mux_segments(format, std::nullopt, h264_aac_fixture().audio, audio);
  CHECK(muxed.segments.size() == 2);
  const auto probe = probe_bytes(muxed.joined(), demuxer_for(format));
  REQUIRE(probe.error.empty());
  REQUIRE(probe.types.size() == 1);
  CHECK(probe.codec(AVMEDIA_TYPE_AUDIO) == AV_CODEC_ID_AAC);
  CHECK(probe.of(AVMEDIA_TYPE_AUDIO).size() == audio.size());
}

TEST_CASE("a video-only muxer writes H.264 segments that each start on a keyframe", "[hls]") {
  const auto format = GENERATE(SegmentFormat::ts, SegmentFormat::fmp4);
  const auto video = h264_aac_fixture().only(TrackKind::video);
  const auto muxed = mux_segments(format, h264_aac_fixture().video, std::nullopt, video);
  REQUIRE(muxed.segments.size() == 2);
  const auto probe = probe_bytes(muxed.joined(), demuxer_for(format));
  REQUIRE(probe.error.empty());
  REQUIRE(probe.types.size() == 1);
  CHECK(probe.codec(AVMEDIA_TYPE_VIDEO) == AV_CODEC_ID_H264);
  CHECK(probe.of(AVMEDIA_TYPE_VIDEO).size() == video.size());
  const auto second =
      probe_bytes(format == SegmentFormat::ts ? muxed.segments[1] : muxed.joined(1), demuxer_for(format));
  REQUIRE(!second.packets.empty());
  CHECK(second.packets.front().keyframe);
}

TEST_CASE("a muxer refuses to be created without any track configuration", "[hls]") {
  const auto muxer = SegmentMuxer::create(SegmentFormat::ts, std::nullopt, std::nullopt);
  REQUIRE_FALSE(muxer);
  CHECK(muxer.error().code == Errc::malformed);
}

TEST_CASE("a truncated avcC record is a malformed H.264 configuration, not a crash", "[hls]") {
  auto video = *h264_aac_fixture().video;
  video.decoder_config.resize(6);
  const auto format = GENERATE(SegmentFormat::ts, SegmentFormat::fmp4);
  const auto muxer = SegmentMuxer::create(format, video, h264_aac_fixture().audio);
  REQUIRE_FALSE(muxer);
  CHECK(muxer.error().message.find("H.264 decoder configuration") != std::string::npos);
}

TEST_CASE("an AAC configuration without an AudioSpecificConfig is refused", "[hls]") {
  auto audio = *h264_aac_fixture().audio;
  audio.specific_config.clear();
  const auto muxer = SegmentMuxer::create(SegmentFormat::fmp4, h264_aac_fixture().video, audio);
  REQUIRE_FALSE(muxer);
  CHECK(muxer.error().message.find("AudioSpecificConfig") != std::string::npos);
}

TEST_CASE("video codecs HLS cannot carry are refused as unsupported", "[hls]") {
  liverelay::media::VideoConfig av1;
  av1.codec = Codec::av1;
  av1.decoder_config = {0x81, 0x08, 0x0c, 0x00};
  const auto muxer = SegmentMuxer::create(SegmentFormat::ts, av1, std::nullopt);
  REQUIRE_FALSE(muxer);
  CHECK(muxer.error().code == Errc::unsupported);
}

TEST_CASE("a packet whose codec differs from its track's configuration is an error", "[hls]") {
  auto muxer = SegmentMuxer::create(SegmentFormat::ts, h264_aac_fixture().video, h264_aac_fixture().audio);
  REQUIRE(muxer);
  auto packet = h264_aac_fixture().only(TrackKind::video).front();
  packet.codec = Codec::hevc;
  const auto written = (*muxer)->write(packet);
  REQUIRE_FALSE(written);
  CHECK(written.error().code == Errc::unsupported);
}

TEST_CASE("finishing a segment with nothing written gives no bytes", "[hls]") {
  auto muxer = SegmentMuxer::create(SegmentFormat::fmp4, h264_aac_fixture().video, h264_aac_fixture().audio);
  REQUIRE(muxer);
  const auto bytes = (*muxer)->finish_segment();
  REQUIRE(bytes);
  CHECK(bytes->empty());
  CHECK((*muxer)->init_segment().empty());
}

TEST_CASE("packets of a track the muxer was not created with are skipped", "[hls]") {
  auto muxer = SegmentMuxer::create(SegmentFormat::ts, std::nullopt, h264_aac_fixture().audio);
  REQUIRE(muxer);
  CHECK((*muxer)->write(h264_aac_fixture().only(TrackKind::video).front()));
  const auto bytes = (*muxer)->finish_segment();
  REQUIRE(bytes);
  CHECK(bytes->empty());
}

TEST_CASE("repeated dts and pts below dts are repaired into a stream that still demuxes", "[hls]") {
  const auto format = GENERATE(SegmentFormat::ts, SegmentFormat::fmp4);
  auto video = h264_aac_fixture().only(TrackKind::video);
  video[5].dts_ms = video[4].dts_ms;       // an encoder repeating a millisecond timestamp
  video[7].pts_ms = video[7].dts_ms - 20;  // a negative composition time
  const auto muxed = mux_segments(format, h264_aac_fixture().video, std::nullopt, video);
  const auto probe = probe_bytes(muxed.joined(), demuxer_for(format));
  REQUIRE(probe.error.empty());
  const auto out = probe.of(AVMEDIA_TYPE_VIDEO);
  REQUIRE(out.size() == video.size());
  for (size_t i = 1; i < out.size(); ++i) {
    INFO("packet " << i);
    CHECK(out[i].dts_us > out[i - 1].dts_us);
    CHECK(out[i].pts_us >= out[i].dts_us);
  }
}

TEST_CASE("an HEVC fMP4 init segment has an hvc1 sample entry with the hvcC record", "[hls]") {
  liverelay::media::VideoConfig hevc;
  hevc.codec = Codec::hevc;
  hevc.width = 1280;
  hevc.height = 720;
  hevc.decoder_config = liverelay::fixtures::kHevcMain720Record;
  auto muxer = SegmentMuxer::create(SegmentFormat::fmp4, hevc, std::nullopt);
  REQUIRE(muxer);
  // One length-prefixed IDR_W_RADL NAL unit: the muxer copies it, it does not decode it.
  const std::vector<uint8_t> frame = {0, 0, 0, 6, 0x26, 0x01, 0xaf, 0x00, 0x10, 0x20};
  MediaPacket packet;
  packet.track = TrackKind::video;
  packet.codec = Codec::hevc;
  packet.keyframe = true;
  packet.tag = std::make_shared<const liverelay::media::Buffer>(frame);
  REQUIRE((*muxer)->write(packet));
  const auto segment = (*muxer)->finish_segment();
  REQUIRE(segment);
  CHECK(!segment->empty());
  const auto& init = (*muxer)->init_segment();
  const auto has = [&](const std::string& box) {
    return std::search(init.begin(), init.end(), box.begin(), box.end()) != init.end();
  };
  CHECK(has("hvc1"));
  CHECK(has("hvcC"));
  const auto& record = liverelay::fixtures::kHevcMain720Record;
  CHECK(std::search(init.begin(), init.end(), record.begin(), record.end()) != init.end());
}
