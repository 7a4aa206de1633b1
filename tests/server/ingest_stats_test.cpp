// IngestStats: bitrate over the wall-clock window, frame rate from timestamps, keyframes.
#include <catch2/catch.hpp>

#include "server/stream/ingest_stats.hpp"

using liverelay::IngestStats;
using liverelay::media::MediaPacket;
using liverelay::media::TrackKind;

namespace {

MediaPacket video_frame(int64_t dts, bool keyframe) {
  MediaPacket packet;
  packet.track = TrackKind::video;
  packet.dts_ms = dts;
  packet.pts_ms = dts;
  packet.keyframe = keyframe;
  return packet;
}

}  // namespace

TEST_CASE("ingest bitrate is the bytes of the last window over its length") {
  IngestStats stats(5000);
  // 312.5 bytes per 10 ms = 250 kb/s, for 10 s.
  for (int64_t t = 0; t < 10000; t += 10) stats.on_bytes(t, 3125 / 10);
  CHECK(stats.bitrate_kbps(10000) == Approx(249.6).margin(1.0));
  CHECK(stats.total_bytes() == 1000 * 312);
}

TEST_CASE("ingest bitrate early in a broadcast divides by the time actually covered") {
  IngestStats stats(5000);
  for (int64_t t = 0; t < 2000; t += 100) stats.on_bytes(t, 1000);  // 20 kB over 2 s = 80 kb/s
  CHECK(stats.bitrate_kbps(2000) == Approx(80.0));
}

TEST_CASE("ingest bitrate falls to zero when the publisher goes quiet") {
  IngestStats stats(5000);
  stats.on_bytes(0, 100000);
  CHECK(stats.bitrate_kbps(6000) == 0.0);
}

TEST_CASE("frame rate comes from video timestamps rounded by milliseconds") {
  IngestStats stats(5000);
  for (int i = 0; i < 300; ++i) stats.on_packet(video_frame(i * 1000 / 30, i % 60 == 0), i * 1000 / 30);
  CHECK(stats.fps() == Approx(30.0).margin(0.01));
  CHECK(stats.frames() == 300);
  CHECK(stats.keyframes() == 5);
  REQUIRE(stats.keyframe_interval_s());
  CHECK(*stats.keyframe_interval_s() == Approx(2.0));
}

TEST_CASE("audio packets do not count as frames") {
  IngestStats stats;
  MediaPacket audio;
  audio.track = TrackKind::audio;
  audio.keyframe = true;
  stats.on_packet(audio, 0);
  CHECK(stats.frames() == 0);
  CHECK(stats.keyframes() == 0);
  CHECK(stats.fps() == 0.0);
  CHECK_FALSE(stats.keyframe_interval_s());
}

TEST_CASE("timestamp drift is media time elapsed minus arrival time elapsed") {
  IngestStats stats;
  CHECK(stats.timestamp_drift_ms() == 0);
  // Timestamps start at 5000 and arrivals at 100000: only the elapsed times matter.
  for (int i = 0; i <= 300; ++i) stats.on_packet(video_frame(5000 + i * 1000 / 30, false), 100'000 + i * 1000 / 30);
  CHECK(stats.timestamp_drift_ms() == 0);
  // The encoder's clock runs 1% fast: 10 s of media arrive in 9.9 s.
  IngestStats fast;
  for (int i = 0; i <= 300; ++i) fast.on_packet(video_frame(i * 1000 / 30, false), i * 990 / 30);
  CHECK(fast.timestamp_drift_ms() == 100);
  // A publisher that stalls for 2 s and then resumes where it was is 2 s behind.
  IngestStats stalled;
  stalled.on_packet(video_frame(0, true), 0);
  stalled.on_packet(video_frame(33, false), 33);
  stalled.on_packet(video_frame(66, false), 2066);
  CHECK(stalled.timestamp_drift_ms() == -2000);
}

TEST_CASE("timestamp drift follows the latest timestamp when audio and video interleave") {
  IngestStats stats;
  MediaPacket audio;
  audio.track = TrackKind::audio;
  audio.dts_ms = 1021;
  stats.on_packet(video_frame(0, true), 0);
  stats.on_packet(audio, 1000);
  stats.on_packet(video_frame(1000, false), 1000);  // behind the audio just before it
  CHECK(stats.timestamp_drift_ms() == 21);
}

TEST_CASE("dropped packets add up") {
  IngestStats stats;
  CHECK(stats.dropped_packets() == 0);
  stats.on_dropped(1);
  stats.on_dropped(3);
  CHECK(stats.dropped_packets() == 4);
}
