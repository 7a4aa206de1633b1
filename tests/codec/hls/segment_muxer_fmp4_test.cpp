// Tests for the fragmented-MP4 side of the HLS segment muxer, fed with a real x264 + AAC FLV.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "codec/hls/segment_muxer.hpp"
#include "tests/codec/hls/av_probe.hpp"
#include "tests/codec/hls/flv_file.hpp"
#include "tests/codec/hls/mux_segments.hpp"

using liverelay::hls::SegmentFormat;
using liverelay::media::MediaPacket;
using liverelay::media::TrackKind;
using liverelay::testing::h264_aac_fixture;
using liverelay::testing::mux_segments;
using liverelay::testing::MuxedStream;
using liverelay::testing::probe_bytes;

namespace {

const MuxedStream& muxed_fmp4() {
  const auto& stream = h264_aac_fixture();
  static const auto muxed = mux_segments(SegmentFormat::fmp4, stream.video, stream.audio, stream.packets);
  return muxed;
}

bool has_box(const std::vector<uint8_t>& bytes, const std::string& type) {
  return std::search(bytes.begin(), bytes.end(), type.begin(), type.end()) != bytes.end();
}

std::string box_type_at(const std::vector<uint8_t>& bytes, size_t at) {
  return std::string(bytes.begin() + static_cast<long>(at + 4), bytes.begin() + static_cast<long>(at + 8));
}

std::vector<MediaPacket> input_of(const MuxedStream& muxed, TrackKind kind, size_t first_segment = 0) {
  std::vector<MediaPacket> out;
  for (size_t s = first_segment; s < muxed.inputs.size(); ++s)
    for (const auto& packet : muxed.inputs[s])
      if (packet.track == kind) out.push_back(packet);
  return out;
}

// Decode order and both timestamps of every packet of one track, to the millisecond.
void check_timestamps(const std::vector<MediaPacket>& input,
                      const std::vector<liverelay::testing::ProbedPacket>& output) {
  REQUIRE(output.size() == input.size());
  for (size_t i = 0; i < input.size(); ++i) {
    INFO("packet " << i);
    CHECK(std::abs(output[i].dts_us - input[i].dts_ms * 1000) <= 1000);
    CHECK(std::abs(output[i].pts_us - input[i].pts_ms * 1000) <= 1000);
  }
}

}  // namespace

TEST_CASE("fmp4 init segment is ftyp then moov carrying avcC and esds", "[hls]") {
  const auto& init = muxed_fmp4().init;
  REQUIRE(init.size() > 100);
  CHECK(box_type_at(init, 0) == "ftyp");
  CHECK(has_box(init, "moov"));
  CHECK(has_box(init, "avcC"));
  CHECK(has_box(init, "esds"));
  CHECK_FALSE(has_box(init, "moof"));
  CHECK_FALSE(has_box(init, "mdat"));
}

TEST_CASE("fmp4 media segments are moof+mdat fragments without a moov", "[hls]") {
  const auto& muxed = muxed_fmp4();
  REQUIRE(muxed.segments.size() == 2);
  for (const auto& segment : muxed.segments) {
    REQUIRE(segment.size() > 100);
    CHECK(box_type_at(segment, 0) == "moof");
    CHECK(has_box(segment, "mdat"));
    CHECK_FALSE(has_box(segment, "moov"));
  }
}

TEST_CASE("fmp4 init plus segments demux to the input timestamps of both tracks", "[hls]") {
  const auto& muxed = muxed_fmp4();
  const auto probe = probe_bytes(muxed.joined(), "mp4");
  REQUIRE(probe.error.empty());
  CHECK(probe.codec(AVMEDIA_TYPE_VIDEO) == AV_CODEC_ID_H264);
  CHECK(probe.codec(AVMEDIA_TYPE_AUDIO) == AV_CODEC_ID_AAC);
  check_timestamps(input_of(muxed, TrackKind::video), probe.of(AVMEDIA_TYPE_VIDEO));
  check_timestamps(input_of(muxed, TrackKind::audio), probe.of(AVMEDIA_TYPE_AUDIO));
  CHECK(probe.of(AVMEDIA_TYPE_VIDEO).front().keyframe);
}

TEST_CASE("fmp4 second segment after the init alone starts at its own decode time on a keyframe", "[hls]") {
  const auto& muxed = muxed_fmp4();
  const auto probe = probe_bytes(muxed.joined(1), "mp4");
  REQUIRE(probe.error.empty());
  const auto video = probe.of(AVMEDIA_TYPE_VIDEO);
  REQUIRE(!video.empty());
  CHECK(video.front().keyframe);
  check_timestamps(input_of(muxed, TrackKind::video, 1), video);
  check_timestamps(input_of(muxed, TrackKind::audio, 1), probe.of(AVMEDIA_TYPE_AUDIO));
}
