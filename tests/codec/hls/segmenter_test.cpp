// Tests for where the HLS segmenter cuts and how long it says each segment lasts.
#include "codec/hls/segmenter.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <vector>

using liverelay::hls::ClosedSegment;
using liverelay::hls::CutDecision;
using liverelay::hls::Segmenter;
using liverelay::hls::SegmenterOptions;
using liverelay::media::MediaPacket;
using liverelay::media::TrackKind;

namespace {

MediaPacket video(int64_t dts_ms, bool keyframe, int64_t composition_ms = 0) {
  MediaPacket packet;
  packet.track = TrackKind::video;
  packet.dts_ms = dts_ms;
  packet.pts_ms = dts_ms + composition_ms;
  packet.keyframe = keyframe;
  return packet;
}

MediaPacket audio(int64_t dts_ms) {
  MediaPacket packet;
  packet.track = TrackKind::audio;
  packet.dts_ms = dts_ms;
  packet.pts_ms = dts_ms;
  packet.keyframe = true;  // every AAC frame decodes on its own
  return packet;
}

// 25 fps video with a keyframe every `gop_frames`, interleaved by dts with 48 kHz AAC frames
// (1024 samples: 21.333 ms, truncated to whole ms as RTMP sends them).
std::vector<MediaPacket> av_stream(int64_t duration_ms, int gop_frames, bool with_audio = true) {
  std::vector<MediaPacket> packets;
  for (int frame = 0; frame * 40 < duration_ms; ++frame)
    packets.push_back(video(frame * 40, frame % gop_frames == 0));
  if (with_audio) {
    for (int64_t frame = 0; frame * 1024 * 1000 / 48000 < duration_ms; ++frame) {
      packets.push_back(audio(frame * 1024 * 1000 / 48000));
    }
  }
  std::stable_sort(packets.begin(), packets.end(),
                   [](const MediaPacket& a, const MediaPacket& b) { return a.dts_ms < b.dts_ms; });
  return packets;
}

struct Fed {
  std::vector<CutDecision> cuts;
  std::vector<ClosedSegment> closed;
  std::vector<MediaPacket> cut_packets;
};

Fed feed(Segmenter& segmenter, const std::vector<MediaPacket>& packets) {
  Fed fed;
  for (const auto& packet : packets) {
    if (auto cut = segmenter.on_packet(packet)) {
      fed.cuts.push_back(*cut);
      fed.cut_packets.push_back(packet);
      if (cut->closed) fed.closed.push_back(*cut->closed);
    }
  }
  return fed;
}

}  // namespace

TEST_CASE("segmenter opens the first segment at the first packet, whatever its track", "[hls]") {
  Segmenter segmenter;
  auto cut = segmenter.on_packet(audio(120));
  REQUIRE(cut);
  CHECK_FALSE(cut->closed);
  CHECK(cut->start_dts_ms == 120);
  CHECK_FALSE(cut->discontinuity);
  CHECK_FALSE(segmenter.on_packet(video(130, true)));
}

TEST_CASE("segmenter cuts only before video keyframes once the target has passed", "[hls]") {
  Segmenter segmenter;  // 2 s target
  // Keyframes every second: the one at 1 s is too early, those at 2 s and 4 s are cut points.
  auto fed = feed(segmenter, av_stream(5000, 25));
  REQUIRE(fed.cut_packets.size() == 3);
  CHECK(fed.cut_packets[0].dts_ms == 0);
  for (size_t i = 1; i < fed.cut_packets.size(); ++i) {
    CHECK(fed.cut_packets[i].track == TrackKind::video);
    CHECK(fed.cut_packets[i].keyframe);
    CHECK(fed.cut_packets[i].dts_ms == static_cast<int64_t>(i) * 2000);
  }
  CHECK(fed.closed == std::vector<ClosedSegment>{{0, 2000, false}, {2000, 2000, false}});
}

TEST_CASE("segmenter waits for the next keyframe when the target falls inside a GOP", "[hls]") {
  Segmenter segmenter(SegmenterOptions{.target_duration_s = 2.5});
  // Keyframes every 2 s: 2 s is short of 2.5 s, so segments run to the keyframe at 4 s.
  auto fed = feed(segmenter, av_stream(9000, 50));
  CHECK(fed.closed == std::vector<ClosedSegment>{{0, 4000, false}, {4000, 4000, false}});
}

TEST_CASE("segmenter makes 4 s segments from a 4 s GOP with a 2 s target", "[hls]") {
  Segmenter segmenter;
  auto fed = feed(segmenter, av_stream(12100, 100));
  CHECK(fed.closed == std::vector<ClosedSegment>{{0, 4000, false}, {4000, 4000, false}, {8000, 4000, false}});
}

TEST_CASE("segmenter never cuts a stream with video at an audio packet", "[hls]") {
  Segmenter segmenter;
  CHECK(segmenter.on_packet(video(0, true)));
  for (int64_t dts = 21; dts < 6000; dts += 21) CHECK_FALSE(segmenter.on_packet(audio(dts)));
  CHECK_FALSE(segmenter.on_packet(video(6000, false)));
  auto cut = segmenter.on_packet(video(6040, true));
  REQUIRE(cut);
  CHECK(cut->closed == ClosedSegment{0, 6040, false});
}

TEST_CASE("segmenter cuts an audio-only stream before the first audio packet past the target", "[hls]") {
  Segmenter segmenter(SegmenterOptions{.target_duration_s = 2.0, .has_video = false});
  std::vector<MediaPacket> packets;
  // 44.1 kHz AAC: 1024 samples are 23.22 ms, so no frame starts exactly on the 2 s mark.
  for (int64_t frame = 0; frame < 400; ++frame) packets.push_back(audio(frame * 1024 * 1000 / 44100));
  auto fed = feed(segmenter, packets);
  REQUIRE(fed.cut_packets.size() == 5);
  // Frame 87 starts at 2020 ms, the first at or past 2 s; frame 174 at 4040 ms, the first at
  // or past 2 s into the second segment (frame 173 at 4017 ms is too early).
  CHECK(fed.cut_packets[1].dts_ms == 2020);
  CHECK(fed.cut_packets[2].dts_ms == 4040);
  CHECK(fed.closed[0] == ClosedSegment{0, 2020, false});
  CHECK(fed.closed[1] == ClosedSegment{2020, 2020, false});
  for (const auto& segment : fed.closed) {
    CHECK(segment.duration_ms >= 2000);
    CHECK(segment.duration_ms < 2000 + 24);  // at most one audio frame over the target
  }
}

TEST_CASE("segmenter cuts a video-only stream at keyframes", "[hls]") {
  Segmenter segmenter;
  auto fed = feed(segmenter, av_stream(6100, 50, false));
  CHECK(fed.closed == std::vector<ClosedSegment>{{0, 2000, false}, {2000, 2000, false}, {4000, 2000, false}});
  auto last = segmenter.finish();
  REQUIRE(last);
  // Frames at 6000, 6040, 6080: the last one lasts one frame interval more.
  CHECK(*last == ClosedSegment{6000, 120, false});
}

TEST_CASE("segmenter measures segments with B-frames by dts, not by pts", "[hls]") {
  Segmenter segmenter;
  std::vector<MediaPacket> packets;
  // Decode order I P B B, shown as I B B P: pts runs 80 ms ahead of dts on the keyframe.
  const int64_t composition[] = {80, 160, 40, 40};
  for (int frame = 0; frame < 150; ++frame) {
    packets.push_back(video(frame * 40, frame % 50 == 0, composition[(frame % 50) % 4]));
  }
  auto fed = feed(segmenter, packets);
  REQUIRE(fed.cut_packets.size() == 3);
  CHECK(fed.cut_packets[1].pts_ms == 2080);  // cut on the keyframe decoded at 2 s
  CHECK(fed.closed == std::vector<ClosedSegment>{{0, 2000, false}, {2000, 2000, false}});
}

TEST_CASE("segmenter closes the open segment at a discontinuity and flags the next one", "[hls]") {
  Segmenter segmenter;
  feed(segmenter, av_stream(1001, 50));  // video up to 1000 ms, audio up to 981 ms
  auto closed = segmenter.mark_discontinuity();
  REQUIRE(closed);
  // The last video frame (1000 ms) ends one frame (40 ms) later, after the last audio frame.
  CHECK(*closed == ClosedSegment{0, 1040, false});

  // The publisher came back with timestamps starting over.
  auto reopened = segmenter.on_packet(video(0, true));
  REQUIRE(reopened);
  CHECK_FALSE(reopened->closed);
  CHECK(reopened->discontinuity);
  CHECK(reopened->start_dts_ms == 0);

  std::vector<MediaPacket> rest = av_stream(3900, 50);
  rest.erase(rest.begin());  // the keyframe at 0 was already fed
  auto fed = feed(segmenter, rest);
  REQUIRE(fed.closed.size() == 1);
  CHECK(fed.closed[0] == ClosedSegment{0, 2000, true});
  CHECK_FALSE(fed.cuts[0].discontinuity);  // only the first segment after the break
}

TEST_CASE("segmenter flags nothing for a discontinuity before the first packet", "[hls]") {
  Segmenter segmenter;
  CHECK_FALSE(segmenter.mark_discontinuity());
  auto cut = segmenter.on_packet(video(0, true));
  REQUIRE(cut);
  CHECK_FALSE(cut->discontinuity);
}

TEST_CASE("segmenter ends the last segment where its latest frame on any track ends", "[hls]") {
  Segmenter segmenter;
  feed(segmenter, {video(0, true), audio(0), video(40, false), audio(21), audio(42), audio(63)});
  // Video ends at 40 + 40 = 80, audio at 63 + 21 = 84.
  auto last = segmenter.finish();
  REQUIRE(last);
  CHECK(*last == ClosedSegment{0, 84, false});
  CHECK_FALSE(segmenter.finish());
}

TEST_CASE("segmenter starts afresh after finish, without a discontinuity", "[hls]") {
  Segmenter segmenter;
  feed(segmenter, av_stream(3000, 25));
  REQUIRE(segmenter.finish());
  auto cut = segmenter.on_packet(video(0, true));
  REQUIRE(cut);
  CHECK_FALSE(cut->closed);
  CHECK_FALSE(cut->discontinuity);
}
