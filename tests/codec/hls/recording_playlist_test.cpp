// Recording playlists (EVENT while live, VOD at the end, the DVR window) and reading them back.
#include "codec/hls/recording_playlist.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "codec/hls/playlist_parser.hpp"

using namespace liverelay::hls;

// kStartMs and contains() are also in playlist_test.cpp and low_latency_playlist_test.cpp: a
// namespace of its own keeps each file's apart when a unity build compiles them as one.
namespace recording_playlist_test {
namespace {

constexpr int64_t kStartMs = 1795669800123;  // 2026-11-26T05:10:00.123Z

SegmentEntry entry(int index, int64_t duration_ms, bool discontinuity = false, std::string init = {}) {
  return SegmentEntry{.uri = "b1-" + std::to_string(index) + ".ts",
                      .duration_ms = duration_ms,
                      .program_date_time_ms = kStartMs + index * 2000,
                      .discontinuity = discontinuity,
                      .init_uri = std::move(init)};
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("recording playlist is an EVENT playlist while live and a VOD with ENDLIST at the end", "[hls]") {
  RecordingPlaylist playlist(SegmentFormat::ts, 2.0);
  playlist.append(entry(0, 2000));
  playlist.append(entry(1, 2500));
  const std::string live = playlist.write();
  CHECK(live ==
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:3\n#EXT-X-MEDIA-SEQUENCE:0\n"
        "#EXT-X-PLAYLIST-TYPE:EVENT\n#EXT-X-INDEPENDENT-SEGMENTS\n"
        "#EXT-X-PROGRAM-DATE-TIME:2026-11-26T05:10:00.123Z\n#EXTINF:2.000,\nb1-0.ts\n"
        "#EXT-X-PROGRAM-DATE-TIME:2026-11-26T05:10:02.123Z\n#EXTINF:2.500,\nb1-1.ts\n");
  CHECK(playlist.duration_ms() == 4500);
  playlist.end();
  const std::string vod = playlist.write();
  CHECK(contains(vod, "#EXT-X-PLAYLIST-TYPE:VOD\n"));
  CHECK_FALSE(contains(vod, "EVENT"));
  CHECK(vod.ends_with("b1-1.ts\n#EXT-X-ENDLIST\n"));
}

TEST_CASE("DVR window keeps the newest segments, counts what left and drops the EVENT type", "[hls]") {
  RecordingPlaylist playlist(SegmentFormat::ts, 2.0);
  for (int i = 0; i < 10; ++i) playlist.append(entry(i, 2000, i == 3));
  CHECK(playlist.write_window(60'000) == playlist.write());  // shorter than the window: all of it
  const std::string window = playlist.write_window(5'000);
  // Segments 8 and 9 start within the last 5 s (at 16 and 18 s of 20); 7 starts 6 s back.
  CHECK(contains(window, "#EXT-X-MEDIA-SEQUENCE:8\n"));
  CHECK(contains(window, "#EXT-X-DISCONTINUITY-SEQUENCE:1\n"));
  CHECK_FALSE(contains(window, "PLAYLIST-TYPE"));
  CHECK_FALSE(contains(window, "b1-7.ts"));
  CHECK(contains(window, "b1-8.ts\n"));
  CHECK(contains(window, "b1-9.ts\n"));
  CHECK(contains(playlist.write_window(0), "#EXT-X-MEDIA-SEQUENCE:9\n"));  // never empty
}

TEST_CASE("DVR window of fMP4 repeats the map its first segment needs", "[hls]") {
  RecordingPlaylist playlist(SegmentFormat::fmp4, 2.0);
  playlist.append(entry(0, 2000, false, "b1-init0.mp4"));
  playlist.append(entry(1, 2000, false, "b1-init0.mp4"));
  playlist.append(entry(2, 2000, true, "b1-init1.mp4"));
  playlist.append(entry(3, 2000, false, "b1-init1.mp4"));
  const std::string all = playlist.write();
  CHECK(contains(all, "#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:2\n"));
  CHECK(contains(all, "#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"b1-init1.mp4\"\n"));
  const std::string window = playlist.write_window(2'000);
  CHECK(contains(window, "#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-MAP:URI=\"b1-init1.mp4\"\n"));
  CHECK(contains(window, "#EXT-X-DISCONTINUITY-SEQUENCE:1\n"));
  CHECK_FALSE(contains(window, "init0"));
}

TEST_CASE("a recording playlist reads back as the segments it lists", "[hls]") {
  RecordingPlaylist playlist(SegmentFormat::fmp4, 1.0);
  playlist.append(entry(0, 1001, false, "b1-init0.mp4"));
  playlist.append(entry(1, 999, true, "b1-init1.mp4"));
  auto parsed = parse_media_playlist(playlist.write());
  REQUIRE(parsed);
  CHECK_FALSE(parsed->ended);
  REQUIRE(parsed->segments.size() == 2);
  CHECK(parsed->segments[0] == entry(0, 1001, false, "b1-init0.mp4"));
  SegmentEntry second = entry(1, 999, true, "b1-init1.mp4");
  second.sequence = 1;
  CHECK(parsed->segments[1] == second);
  playlist.end();
  CHECK(parse_media_playlist(playlist.write())->ended);
}

TEST_CASE("playlist parser refuses what it cannot trust and names the line", "[hls]") {
  CHECK(parse_media_playlist("#EXTM3U\nb1-0.ts\n").error().message == "playlist line 2: bad segment (no EXTINF before it)");
  CHECK(parse_media_playlist("#EXTM3U\n#EXTINF:abc,\nb1-0.ts\n").error().message == "playlist line 2: bad EXTINF");
  CHECK_FALSE(parse_media_playlist("<html>\n"));
  auto truncated = parse_media_playlist("#EXTM3U\n#EXTINF:2.000,\nb1-0.ts\n#EXTINF:2.0");
  REQUIRE(truncated);  // a half-written last line (a crash) loses that segment only
  CHECK(truncated->segments.size() == 1);
  CHECK(parse_program_date_time("2026-11-26T05:10:00.123Z") == kStartMs);
  CHECK(parse_program_date_time("1970-01-01T00:00:00.000Z") == 0);
  CHECK_FALSE(parse_program_date_time("2026-13-26T05:10:00.123Z"));
  CHECK_FALSE(parse_program_date_time("2026-11-26 05:10:00.123Z"));
}

}  // namespace recording_playlist_test
