// Tests for the live media playlist window and the text it renders (RFC 8216 4.3).
#include "codec/hls/playlist.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "codec/hls/playlist_writer.hpp"
#include "codec/hls/segmenter.hpp"

using liverelay::hls::format_duration;
using liverelay::hls::format_program_date_time;
using liverelay::hls::MediaPlaylist;
using liverelay::hls::PlaylistOptions;
using liverelay::hls::segment_uri;
using liverelay::hls::SegmentEntry;
using liverelay::hls::SegmentFormat;
using liverelay::hls::write_media_playlist;

namespace {

constexpr int64_t kStartMs = 1795669800123;  // 2026-11-26T05:10:00.123Z

SegmentEntry entry(const MediaPlaylist& playlist, int64_t duration_ms, int64_t program_date_time_ms,
                   bool discontinuity = false, std::string init = {}) {
  return SegmentEntry{.uri = segment_uri(playlist.format(), playlist.next_sequence()),
                      .duration_ms = duration_ms,
                      .program_date_time_ms = program_date_time_ms,
                      .discontinuity = discontinuity,
                      .init_uri = std::move(init)};
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("playlist renders a TS window with a discontinuity exactly", "[hls]") {
  MediaPlaylist playlist(PlaylistOptions{.format = SegmentFormat::ts, .window = 3, .target_duration_s = 2.0});
  playlist.append(entry(playlist, 2000, kStartMs));
  playlist.append(entry(playlist, 2002, kStartMs + 2000));
  playlist.append(entry(playlist, 1040, kStartMs + 4002));  // closed early: the publisher left
  playlist.append(entry(playlist, 2500, kStartMs + 9000, true));
  playlist.end();

  CHECK(write_media_playlist(playlist) ==
        "#EXTM3U\n"
        "#EXT-X-VERSION:3\n"
        "#EXT-X-TARGETDURATION:3\n"
        "#EXT-X-MEDIA-SEQUENCE:1\n"
        "#EXT-X-INDEPENDENT-SEGMENTS\n"
        "#EXT-X-PROGRAM-DATE-TIME:2026-11-26T05:10:02.123Z\n"
        "#EXTINF:2.002,\n"
        "seg-1.ts\n"
        "#EXT-X-PROGRAM-DATE-TIME:2026-11-26T05:10:04.125Z\n"
        "#EXTINF:1.040,\n"
        "seg-2.ts\n"
        "#EXT-X-DISCONTINUITY\n"
        "#EXT-X-PROGRAM-DATE-TIME:2026-11-26T05:10:09.123Z\n"
        "#EXTINF:2.500,\n"
        "seg-3.ts\n"
        "#EXT-X-ENDLIST\n");
}

TEST_CASE("playlist renders fMP4 with version 6 and a new EXT-X-MAP after new codec parameters", "[hls]") {
  MediaPlaylist playlist(PlaylistOptions{.format = SegmentFormat::fmp4});
  playlist.append(entry(playlist, 2000, kStartMs, false, "init-0.mp4"));
  playlist.append(entry(playlist, 2000, kStartMs + 2000, false, "init-0.mp4"));
  playlist.append(entry(playlist, 2000, kStartMs + 4000, true, "init-1.mp4"));

  CHECK(write_media_playlist(playlist) ==
        "#EXTM3U\n"
        "#EXT-X-VERSION:6\n"
        "#EXT-X-TARGETDURATION:2\n"
        "#EXT-X-MEDIA-SEQUENCE:0\n"
        "#EXT-X-INDEPENDENT-SEGMENTS\n"
        "#EXT-X-MAP:URI=\"init-0.mp4\"\n"
        "#EXT-X-PROGRAM-DATE-TIME:2026-11-26T05:10:00.123Z\n"
        "#EXTINF:2.000,\n"
        "seg-0.m4s\n"
        "#EXT-X-PROGRAM-DATE-TIME:2026-11-26T05:10:02.123Z\n"
        "#EXTINF:2.000,\n"
        "seg-1.m4s\n"
        "#EXT-X-DISCONTINUITY\n"
        "#EXT-X-MAP:URI=\"init-1.mp4\"\n"
        "#EXT-X-PROGRAM-DATE-TIME:2026-11-26T05:10:04.123Z\n"
        "#EXTINF:2.000,\n"
        "seg-2.m4s\n");
}

TEST_CASE("playlist repeats the EXT-X-MAP in force at the top once older segments left", "[hls]") {
  MediaPlaylist playlist(PlaylistOptions{.format = SegmentFormat::fmp4, .window = 2});
  for (int i = 0; i < 4; ++i)
    playlist.append(entry(playlist, 2000, kStartMs + i * 2000, false, "init-0.mp4"));
  const auto text = write_media_playlist(playlist);
  CHECK(text.find("#EXT-X-MAP:URI=\"init-0.mp4\"\n#EXT-X-PROGRAM-DATE-TIME:2026-11-26T05:10:04.123Z\n") !=
        std::string::npos);
  CHECK(text.find("#EXT-X-MAP") == text.rfind("#EXT-X-MAP"));
}

TEST_CASE("playlist media sequence grows by exactly the segments dropped from the window", "[hls]") {
  MediaPlaylist playlist;  // window 6
  for (int i = 0; i < 6; ++i) CHECK(playlist.append(entry(playlist, 2000, kStartMs)) == 0);
  CHECK(playlist.media_sequence() == 0);
  for (uint64_t i = 1; i <= 10; ++i) {
    CHECK(playlist.append(entry(playlist, 2000, kStartMs)) == 1);
    CHECK(playlist.media_sequence() == i);
    CHECK(playlist.segments().size() == 6);
    CHECK(playlist.segments().front().sequence == i);
    CHECK(playlist.segments().back().sequence == i + 5);
    CHECK(playlist.segments().back().uri == "seg-" + std::to_string(i + 5) + ".ts");
  }
  CHECK(contains(write_media_playlist(playlist),
                 "#EXT-X-MEDIA-SEQUENCE:10\n#EXT-X-INDEPENDENT-SEGMENTS\n"
                 "#EXT-X-PROGRAM-DATE-TIME:2026-11-26T05:10:00.123Z\n"
                 "#EXTINF:2.000,\nseg-10.ts\n"));
}

TEST_CASE("playlist counts discontinuities that left the window in EXT-X-DISCONTINUITY-SEQUENCE", "[hls]") {
  MediaPlaylist playlist(PlaylistOptions{.window = 2});
  playlist.append(entry(playlist, 2000, kStartMs));
  playlist.append(entry(playlist, 2000, kStartMs, true));  // seg-1
  playlist.append(entry(playlist, 2000, kStartMs, true));  // seg-2
  CHECK(playlist.discontinuity_sequence() == 0);           // seg-0 had none
  CHECK_FALSE(contains(write_media_playlist(playlist), "#EXT-X-DISCONTINUITY-SEQUENCE"));

  playlist.append(entry(playlist, 2000, kStartMs));  // drops seg-1
  CHECK(playlist.discontinuity_sequence() == 1);
  playlist.append(entry(playlist, 2000, kStartMs));  // drops seg-2
  CHECK(playlist.discontinuity_sequence() == 2);
  playlist.append(entry(playlist, 2000, kStartMs));  // drops seg-3, no discontinuity
  CHECK(playlist.discontinuity_sequence() == 2);

  const auto text = write_media_playlist(playlist);
  CHECK(contains(text, "#EXT-X-MEDIA-SEQUENCE:4\n#EXT-X-DISCONTINUITY-SEQUENCE:2\n"));
  CHECK_FALSE(contains(text, "#EXT-X-DISCONTINUITY\n"));
}

TEST_CASE("playlist keeps the discontinuity tag on the oldest listed segment", "[hls]") {
  MediaPlaylist playlist(PlaylistOptions{.window = 2});
  playlist.append(entry(playlist, 2000, kStartMs));
  playlist.append(entry(playlist, 2000, kStartMs, true));
  playlist.append(entry(playlist, 2000, kStartMs));
  CHECK(contains(write_media_playlist(playlist),
                 "#EXT-X-MEDIA-SEQUENCE:1\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-DISCONTINUITY\n"));
}

TEST_CASE("playlist target duration follows a 4 s GOP from the segmenter", "[hls]") {
  liverelay::hls::Segmenter segmenter;  // 2 s target
  MediaPlaylist playlist;
  for (int frame = 0; frame <= 300; ++frame) {
    liverelay::media::MediaPacket packet;
    packet.dts_ms = packet.pts_ms = frame * 40;
    packet.keyframe = frame % 100 == 0;
    auto cut = segmenter.on_packet(packet);
    if (cut && cut->closed) playlist.append(entry(playlist, cut->closed->duration_ms, kStartMs));
  }
  REQUIRE(playlist.segments().size() == 3);
  const auto text = write_media_playlist(playlist);
  CHECK(contains(text, "#EXT-X-TARGETDURATION:4\n"));
  CHECK(contains(text, "#EXTINF:4.000,\nseg-0.ts\n"));
  CHECK(contains(text, "#EXTINF:4.000,\nseg-2.ts\n"));
}

TEST_CASE("playlist target duration starts at the configured target before any segment", "[hls]") {
  CHECK(MediaPlaylist(PlaylistOptions{.target_duration_s = 2.0}).target_duration_s() == 2);
  CHECK(MediaPlaylist(PlaylistOptions{.target_duration_s = 6.0}).target_duration_s() == 6);
  CHECK(MediaPlaylist(PlaylistOptions{.target_duration_s = 0.3}).target_duration_s() == 1);
  CHECK(write_media_playlist(MediaPlaylist{}) ==
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n"
        "#EXT-X-INDEPENDENT-SEGMENTS\n");
}

TEST_CASE("playlist target duration is the nearest integer at or above every EXTINF", "[hls]") {
  MediaPlaylist playlist;
  playlist.append(entry(playlist, 2499, kStartMs));
  CHECK(playlist.target_duration_s() == 2);  // 2.499 rounds to 2
  playlist.append(entry(playlist, 2500, kStartMs));
  CHECK(playlist.target_duration_s() == 3);  // 2.5 rounds up
  playlist.append(entry(playlist, 1200, kStartMs));
  CHECK(playlist.target_duration_s() == 3);
}

TEST_CASE("playlist target duration never decreases once a long segment left the window", "[hls]") {
  MediaPlaylist playlist(PlaylistOptions{.window = 2});
  playlist.append(entry(playlist, 7960, kStartMs));
  for (int i = 0; i < 5; ++i) playlist.append(entry(playlist, 2000, kStartMs));
  CHECK(playlist.segments().front().duration_ms == 2000);
  CHECK(contains(write_media_playlist(playlist), "#EXT-X-TARGETDURATION:8\n"));
}

TEST_CASE("playlist ends with EXT-X-ENDLIST only once the broadcast ended", "[hls]") {
  MediaPlaylist playlist;
  playlist.append(entry(playlist, 2000, kStartMs));
  CHECK_FALSE(contains(write_media_playlist(playlist), "#EXT-X-ENDLIST"));
  playlist.end();
  const auto text = write_media_playlist(playlist);
  CHECK(text.size() >= 15);
  CHECK(text.substr(text.size() - 15) == "#EXT-X-ENDLIST\n");
}

TEST_CASE("program date time is ISO 8601 UTC with milliseconds", "[hls]") {
  CHECK(format_program_date_time(kStartMs) == "2026-11-26T05:10:00.123Z");
  CHECK(format_program_date_time(0) == "1970-01-01T00:00:00.000Z");
  CHECK(format_program_date_time(1709251199999) == "2024-02-29T23:59:59.999Z");  // leap day
  CHECK(format_program_date_time(1735689600007) == "2025-01-01T00:00:00.007Z");
}

TEST_CASE("EXTINF durations have exactly three decimals", "[hls]") {
  CHECK(format_duration(2002) == "2.002");
  CHECK(format_duration(40) == "0.040");
  CHECK(format_duration(12000) == "12.000");
  CHECK(format_duration(-5) == "0.000");
}
