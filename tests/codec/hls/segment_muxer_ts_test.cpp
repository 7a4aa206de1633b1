// Tests for the MPEG-TS side of the HLS segment muxer, fed with a real x264 + AAC FLV.
#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <vector>

#include "codec/hls/segment_muxer.hpp"
#include "tests/codec/hls/av_probe.hpp"
#include "tests/codec/hls/flv_file.hpp"
#include "tests/codec/hls/mux_segments.hpp"

using liverelay::hls::SegmentFormat;
using liverelay::media::TrackKind;
using liverelay::testing::h264_aac_fixture;
using liverelay::testing::mux_segments;
using liverelay::testing::probe_bytes;

namespace {

constexpr size_t kTsPacket = 188;
constexpr int kPatPid = 0;
constexpr int kSdtPid = 0x11;

struct TsHeader {
  int pid = 0;
  int continuity = 0;
  bool has_payload = false;
  bool unit_start = false;
};

TsHeader ts_header(const std::vector<uint8_t>& bytes, size_t packet) {
  const uint8_t* p = bytes.data() + packet * kTsPacket;
  return {(p[1] & 0x1f) << 8 | p[2], p[3] & 0x0f, (p[3] & 0x10) != 0, (p[1] & 0x40) != 0};
}

// ISO 13818-1 2.4.4.3: the PAT's first program entry gives the PMT PID.
int pmt_pid_from_pat(const std::vector<uint8_t>& bytes, size_t packet) {
  const uint8_t* p = bytes.data() + packet * kTsPacket + 4;
  const uint8_t* section = p + 1 + p[0];  // after the pointer field
  const uint8_t* program = section + 8;
  return (program[2] & 0x1f) << 8 | program[3];
}

const liverelay::testing::MuxedStream& muxed_ts() {
  const auto& stream = h264_aac_fixture();
  static const auto muxed = mux_segments(SegmentFormat::ts, stream.video, stream.audio, stream.packets);
  return muxed;
}

}  // namespace

TEST_CASE("ts muxer cuts the 3 s fixture into a 2 s and a 1 s segment of whole 188-byte packets", "[hls]") {
  const auto& muxed = muxed_ts();
  REQUIRE(muxed.segments.size() == 2);
  CHECK(muxed.init.empty());
  for (const auto& segment : muxed.segments) {
    REQUIRE(segment.size() > 10 * kTsPacket);
    CHECK(segment.size() % kTsPacket == 0);
    for (size_t i = 0; i < segment.size() / kTsPacket; ++i) REQUIRE(segment[i * kTsPacket] == 0x47);
  }
}

TEST_CASE("every ts segment opens with the PAT and then the PMT it points to, before any PES", "[hls]") {
  for (const auto& segment : muxed_ts().segments) {
    // libavformat puts its SDT (PID 0x11) first, as its own HLS muxer does; players skip it.
    size_t at = ts_header(segment, 0).pid == kSdtPid ? 1 : 0;
    const auto pat = ts_header(segment, at);
    CHECK(pat.pid == kPatPid);
    CHECK(pat.unit_start);
    const auto pmt = ts_header(segment, at + 1);
    CHECK(pmt.pid == pmt_pid_from_pat(segment, at));
    CHECK(pmt.unit_start);
  }
}

TEST_CASE("each ts segment demuxes on its own with H.264 and AAC and starts on a keyframe", "[hls]") {
  const auto& muxed = muxed_ts();
  for (size_t i = 0; i < muxed.segments.size(); ++i) {
    INFO("segment " << i);
    const auto probe = probe_bytes(muxed.segments[i], "mpegts");
    REQUIRE(probe.error.empty());
    CHECK(probe.codec(AVMEDIA_TYPE_VIDEO) == AV_CODEC_ID_H264);
    CHECK(probe.codec(AVMEDIA_TYPE_AUDIO) == AV_CODEC_ID_AAC);
    const auto video = probe.of(AVMEDIA_TYPE_VIDEO);
    REQUIRE(!video.empty());
    CHECK(video.front().keyframe);
    size_t input_video = 0;
    for (const auto& packet : muxed.inputs[i]) input_video += packet.track == TrackKind::video;
    CHECK(video.size() == input_video);
  }
}

TEST_CASE("ts continuity counters run on across the segment boundary on every PID", "[hls]") {
  const auto& muxed = muxed_ts();
  std::map<int, int> last;  // pid -> continuity counter of its last packet with payload
  size_t checked_across = 0;
  for (size_t s = 0; s < muxed.segments.size(); ++s) {
    const auto& segment = muxed.segments[s];
    std::map<int, bool> seen_here;
    for (size_t i = 0; i < segment.size() / kTsPacket; ++i) {
      const auto header = ts_header(segment, i);
      if (!header.has_payload) continue;
      if (last.count(header.pid)) {
        INFO("segment " << s << " packet " << i << " pid " << header.pid);
        REQUIRE(header.continuity == (last[header.pid] + 1) % 16);
        if (s > 0 && !seen_here[header.pid]) ++checked_across;
      }
      seen_here[header.pid] = true;
      last[header.pid] = header.continuity;
    }
  }
  CHECK(checked_across >= 4);  // PAT, PMT, video and audio all continued into segment 2
}

TEST_CASE("ts segments keep the input timestamps of both tracks to the millisecond", "[hls]") {
  const auto& muxed = muxed_ts();
  const auto probe = probe_bytes(muxed.joined(), "mpegts");
  REQUIRE(probe.error.empty());
  for (const auto kind : {TrackKind::video, TrackKind::audio}) {
    std::vector<liverelay::media::MediaPacket> input;
    for (const auto& segment : muxed.inputs)
      for (const auto& packet : segment)
        if (packet.track == kind) input.push_back(packet);
    const auto output = probe.of(kind == TrackKind::video ? AVMEDIA_TYPE_VIDEO : AVMEDIA_TYPE_AUDIO);
    REQUIRE(output.size() == input.size());
    for (size_t i = 0; i < input.size(); ++i) {
      INFO("packet " << i);
      CHECK(std::abs(output[i].dts_us - input[i].dts_ms * 1000) <= 1000);
      CHECK(std::abs(output[i].pts_us - input[i].pts_ms * 1000) <= 1000);
    }
  }
}
