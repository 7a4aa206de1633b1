// Tests for the low-latency playlist (RFC 8216bis): parts, server control, preload hint, delta
// updates, and the blocking reload decisions.
#include <catch2/catch.hpp>
#include <string>

#include "codec/hls/blocking_reload.hpp"
#include "codec/hls/playlist.hpp"
#include "codec/hls/playlist_writer.hpp"

using namespace liverelay::hls;

// kStartMs and contains() are also in playlist_test.cpp and recording_playlist_test.cpp: a
// namespace of its own keeps each file's apart when a unity build compiles them as one.
namespace low_latency_playlist_test {
namespace {

constexpr int64_t kStartMs = 1795669800123;  // 2026-11-26T05:10:00.123Z

MediaPlaylist low_latency_playlist(size_t window = 6) {
  return MediaPlaylist(PlaylistOptions{
      .format = SegmentFormat::fmp4, .window = window, .target_duration_s = 2.0, .part_target_ms = 500});
}

// One segment of `parts` parts of 500 ms (the last one `last_ms`), opened and closed.
void add_segment(MediaPlaylist& playlist, int parts, int64_t last_ms = 500, bool close = true) {
  const uint64_t sequence = playlist.next_sequence();
  playlist.open_segment(SegmentEntry{.uri = "s" + std::to_string(sequence) + ".m4s",
                                     .program_date_time_ms = kStartMs + static_cast<int64_t>(sequence) * 2000,
                                     .init_uri = "init.mp4"});
  for (int i = 0; i < parts; ++i) {
    const uint64_t number = playlist.parts_listed();
    playlist.append_part(PartEntry{"p" + std::to_string(number) + ".m4s", i + 1 == parts ? last_ms : 500, i == 0});
    playlist.set_preload_hint("p" + std::to_string(playlist.parts_listed()) + ".m4s");
  }
  if (close) playlist.close_segment(500 * (parts - 1) + last_ms);
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

size_t count(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

ReloadRequest blocking(uint64_t msn, std::optional<uint64_t> part = std::nullopt) {
  return ReloadRequest{.msn = msn, .part = part};
}

}  // namespace

TEST_CASE("low-latency playlist renders parts, server control and the preload hint exactly", "[hls][ll]") {
  auto playlist = low_latency_playlist();
  add_segment(playlist, 4);
  add_segment(playlist, 2, 500, false);  // being produced: two parts so far

  CHECK(write_media_playlist(playlist) ==
        "#EXTM3U\n"
        "#EXT-X-VERSION:9\n"
        "#EXT-X-TARGETDURATION:2\n"
        "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.500,CAN-SKIP-UNTIL=12.000\n"
        "#EXT-X-PART-INF:PART-TARGET=0.500\n"
        "#EXT-X-MEDIA-SEQUENCE:0\n"
        "#EXT-X-INDEPENDENT-SEGMENTS\n"
        "#EXT-X-MAP:URI=\"init.mp4\"\n"
        "#EXT-X-PROGRAM-DATE-TIME:2026-11-26T05:10:00.123Z\n"
        "#EXT-X-PART:DURATION=0.500,URI=\"p0.m4s\",INDEPENDENT=YES\n"
        "#EXT-X-PART:DURATION=0.500,URI=\"p1.m4s\"\n"
        "#EXT-X-PART:DURATION=0.500,URI=\"p2.m4s\"\n"
        "#EXT-X-PART:DURATION=0.500,URI=\"p3.m4s\"\n"
        "#EXTINF:2.000,\n"
        "s0.m4s\n"
        "#EXT-X-PROGRAM-DATE-TIME:2026-11-26T05:10:02.123Z\n"
        "#EXT-X-PART:DURATION=0.500,URI=\"p4.m4s\",INDEPENDENT=YES\n"
        "#EXT-X-PART:DURATION=0.500,URI=\"p5.m4s\"\n"
        "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"p6.m4s\"\n");
}

TEST_CASE("low-latency playlist lists parts only for the last three target durations", "[hls][ll]") {
  auto playlist = low_latency_playlist(10);
  for (int i = 0; i < 6; ++i) add_segment(playlist, 4);
  const auto text = write_media_playlist(playlist);
  // 6 s of parts from the end: the last three 2 s segments.
  CHECK(count(text, "#EXT-X-PART:") == 12);
  CHECK_FALSE(contains(text, "URI=\"p11.m4s\""));
  CHECK(contains(text, "URI=\"p12.m4s\""));
  CHECK(count(text, "#EXTINF:") == 6);
}

TEST_CASE("low-latency playlist numbers parts across segments and keeps PART-HOLD-BACK >= 3 part targets",
          "[hls][ll]") {
  auto playlist = low_latency_playlist();
  add_segment(playlist, 3, 300);
  add_segment(playlist, 4);
  CHECK(playlist.parts_listed() == 7);
  CHECK(playlist.segments()[0].parts.size() == 3);
  CHECK(playlist.segments()[1].parts.front().uri == "p3.m4s");
  CHECK(playlist.segments()[0].duration_ms == 1300);
  CHECK(part_hold_back_ms(playlist) >= 3 * playlist.part_target_ms());
  CHECK(can_skip_until_ms(playlist) >= 6 * playlist.target_duration_s() * 1000);
}

TEST_CASE("a delta update skips the segments before the skip boundary and repeats the map", "[hls][ll]") {
  auto playlist = low_latency_playlist(12);
  for (int i = 0; i < 10; ++i) add_segment(playlist, 4);  // 20 s listed, skip boundary at 12 s from the end
  CHECK(skippable_segments(playlist) == 4);
  const auto delta = write_media_playlist(playlist, {.delta = true});
  CHECK(contains(delta, "#EXT-X-SKIP:SKIPPED-SEGMENTS=4\n"));
  CHECK(contains(delta, "#EXT-X-MEDIA-SEQUENCE:0\n"));  // the skipped ones still count
  CHECK(count(delta, "#EXTINF:") == 6);
  CHECK_FALSE(contains(delta, "s3.m4s\n"));
  CHECK(contains(delta, "s4.m4s\n"));
  CHECK(contains(delta, "#EXT-X-MAP:URI=\"init.mp4\""));
  CHECK(delta.find("#EXT-X-SKIP") < delta.find("#EXT-X-MAP"));
  CHECK(count(write_media_playlist(playlist), "#EXTINF:") == 10);
}

TEST_CASE("an ended low-latency playlist has no preload hint and ENDLIST", "[hls][ll]") {
  auto playlist = low_latency_playlist();
  add_segment(playlist, 4);
  add_segment(playlist, 1, 500, false);
  playlist.end();
  const auto text = write_media_playlist(playlist);
  CHECK_FALSE(contains(text, "PRELOAD-HINT"));
  CHECK(contains(text, "#EXT-X-ENDLIST\n"));
  CHECK(count(text, "#EXTINF:") == 1);
}

TEST_CASE("standard playlists carry none of the low-latency tags", "[hls][ll]") {
  MediaPlaylist playlist(PlaylistOptions{.format = SegmentFormat::fmp4, .window = 6, .target_duration_s = 2.0});
  playlist.append(SegmentEntry{.uri = "s0.m4s", .duration_ms = 2000, .init_uri = "init.mp4"});
  const auto text = write_media_playlist(playlist, {.delta = true});
  CHECK(contains(text, "#EXT-X-VERSION:6\n"));
  CHECK_FALSE(contains(text, "EXT-X-SERVER-CONTROL"));
  CHECK_FALSE(contains(text, "EXT-X-PART"));
  CHECK_FALSE(contains(text, "EXT-X-SKIP"));
}

TEST_CASE("reload query directives are parsed, other parameters ignored", "[hls][ll]") {
  auto request = parse_reload_query("_HLS_msn=12&_HLS_part=3&cdn=x");
  REQUIRE(request);
  CHECK(request->msn == 12u);
  CHECK(request->part == 3u);
  CHECK_FALSE(request->skip);
  auto skip = parse_reload_query("_HLS_skip=YES");
  REQUIRE(skip);
  CHECK(skip->skip);
  CHECK_FALSE(skip->blocking());
  CHECK(parse_reload_query("")->msn == std::nullopt);
  CHECK_FALSE(parse_reload_query("_HLS_part=1"));
  CHECK_FALSE(parse_reload_query("_HLS_msn=-1"));
  CHECK_FALSE(parse_reload_query("_HLS_msn=1x"));
  CHECK_FALSE(parse_reload_query("_HLS_msn="));
  CHECK_FALSE(parse_reload_query("_HLS_msn=99999999999999999999999"));
  CHECK_FALSE(parse_reload_query("_HLS_skip=maybe"));
}

TEST_CASE("a blocking reload is answered once the part or segment is listed", "[hls][ll]") {
  auto playlist = low_latency_playlist();
  CHECK(judge_reload(playlist, blocking(0, 0)) == ReloadVerdict::wait);
  add_segment(playlist, 4);
  add_segment(playlist, 2, 500, false);  // segment 1 has parts 0 and 1
  CHECK(judge_reload(playlist, blocking(0)) == ReloadVerdict::ready);
  CHECK(judge_reload(playlist, blocking(0, 7)) == ReloadVerdict::ready);  // segment 0 is whole
  CHECK(judge_reload(playlist, blocking(1, 1)) == ReloadVerdict::ready);
  CHECK(judge_reload(playlist, blocking(1, 2)) == ReloadVerdict::wait);
  CHECK(judge_reload(playlist, blocking(1)) == ReloadVerdict::wait);  // not whole yet
  CHECK(judge_reload(playlist, blocking(2, 0)) == ReloadVerdict::wait);
  CHECK(judge_reload(playlist, blocking(3)) == ReloadVerdict::wait);
  CHECK(judge_reload(playlist, ReloadRequest{}) == ReloadVerdict::ready);
}

TEST_CASE("a blocking reload too far ahead is a bad request", "[hls][ll]") {
  auto playlist = low_latency_playlist();
  add_segment(playlist, 4);
  add_segment(playlist, 2, 500, false);
  // The last segment shown is 1 (by its parts): msn 4 is more than two ahead.
  CHECK(judge_reload(playlist, blocking(4)) == ReloadVerdict::bad_request);
  // Advance Part Limit with 0.5 s parts: 3 / 0.5 = 6 parts past the last one listed (index 1).
  CHECK(judge_reload(playlist, blocking(1, 7)) == ReloadVerdict::wait);
  CHECK(judge_reload(playlist, blocking(1, 8)) == ReloadVerdict::bad_request);
  CHECK(judge_reload(playlist, blocking(2, 6)) == ReloadVerdict::bad_request);
}

TEST_CASE("every blocking reload is answered once the playlist ends", "[hls][ll]") {
  auto playlist = low_latency_playlist();
  add_segment(playlist, 4);
  playlist.end();
  CHECK(judge_reload(playlist, blocking(2, 1)) == ReloadVerdict::ready);
  CHECK(reload_timeout_ms(playlist) == 6000);
}

}  // namespace low_latency_playlist_test
