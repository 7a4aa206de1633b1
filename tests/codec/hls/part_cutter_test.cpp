// Tests for where low-latency HLS cuts parts: whole frames, never longer than the part target.
#include "codec/hls/part_cutter.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <vector>

using liverelay::hls::PartCutter;
using liverelay::media::MediaPacket;
using liverelay::media::TrackKind;

namespace {

MediaPacket packet(TrackKind track, int64_t dts_ms, bool keyframe = false) {
  MediaPacket p;
  p.track = track;
  p.dts_ms = dts_ms;
  p.pts_ms = dts_ms;
  p.keyframe = keyframe;
  return p;
}

// Feeds 30 fps video (RTMP's whole-ms timestamps: 0, 33, 67, 100, ...) interleaved with 48 kHz
// AAC; returns the part durations seen.
std::vector<int64_t> part_durations(PartCutter& cutter, bool with_video, int64_t duration_ms) {
  std::vector<MediaPacket> packets;
  if (with_video) {
    for (int frame = 0; frame * 1000 / 30 < duration_ms; ++frame)
      packets.push_back(packet(TrackKind::video, frame * 1000 / 30, frame == 0));
  }
  for (int64_t frame = 0; frame * 1024 * 1000 / 48000 < duration_ms; ++frame)
    packets.push_back(packet(TrackKind::audio, frame * 1024 * 1000 / 48000, true));
  std::stable_sort(packets.begin(), packets.end(), [](const auto& a, const auto& b) { return a.dts_ms < b.dts_ms; });

  std::vector<int64_t> durations;
  cutter.on_segment_start(packets.front());
  for (size_t i = 0; i < packets.size(); ++i) {
    if (i > 0 && cutter.cuts_before(packets[i])) {
      durations.push_back(packets[i].dts_ms - cutter.part_start_ms());
      cutter.on_part_start(packets[i]);
    }
    cutter.on_packet(packets[i]);
  }
  return durations;
}

}  // namespace

TEST_CASE("parts of 30 fps video stay within a 330 ms target and near it", "[hls][ll]") {
  PartCutter cutter(330, true);
  const auto durations = part_durations(cutter, true, 10'000);
  REQUIRE(durations.size() >= 25);
  for (int64_t d : durations) {
    CHECK(d <= 330);
    CHECK(d >= 280);  // RFC 8216bis: parts SHOULD be at least 85 % of the target
  }
}

TEST_CASE("parts cut only before video frames when there is video", "[hls][ll]") {
  PartCutter cutter(330, true);
  cutter.on_segment_start(packet(TrackKind::video, 0, true));
  cutter.on_packet(packet(TrackKind::video, 0, true));
  cutter.on_packet(packet(TrackKind::video, 33));
  CHECK_FALSE(cutter.cuts_before(packet(TrackKind::audio, 1000)));
  CHECK(cutter.cuts_before(packet(TrackKind::video, 1000)));
}

TEST_CASE("audio-only parts cut at audio frames within the target", "[hls][ll]") {
  PartCutter cutter(500, false);
  const auto durations = part_durations(cutter, false, 10'000);
  REQUIRE(durations.size() >= 18);
  for (int64_t d : durations) {
    CHECK(d <= 500);
    CHECK(d >= 425);
  }
}
