// Self-check of the next-part computation on playlists as liverelay writes them in LL mode.
#include "playlist_position.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace ll_hls_park;

namespace {

const std::string kHeader =
    "#EXTM3U\n#EXT-X-VERSION:9\n#EXT-X-TARGETDURATION:2\n"
    "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=0.99,CAN-SKIP-UNTIL=12\n"
    "#EXT-X-PART-INF:PART-TARGET=0.33\n#EXT-X-MEDIA-SEQUENCE:41\n#EXT-X-INDEPENDENT-SEGMENTS\n"
    "#EXT-X-MAP:URI=\"init.mp4\"\n";

const std::string kClosedSegment =
    "#EXT-X-PROGRAM-DATE-TIME:2026-11-26T10:00:00.000Z\n"
    "#EXT-X-PART:DURATION=0.3,URI=\"p41.0.m4s\",INDEPENDENT=YES\n#EXT-X-PART:DURATION=0.3,URI=\"p41.1.m4s\"\n"
    "#EXTINF:2.0,\ns41.m4s\n";

}  // namespace

TEST_CASE("next part follows the last part of the open segment") {
  std::string playlist = kHeader + kClosedSegment +
                         "#EXT-X-PROGRAM-DATE-TIME:2026-11-26T10:00:02.000Z\n"
                         "#EXT-X-PART:DURATION=0.3,URI=\"p42.0.m4s\",INDEPENDENT=YES\n"
                         "#EXT-X-PART:DURATION=0.3,URI=\"p42.1.m4s\"\n"
                         "#EXT-X-PART:DURATION=0.3,URI=\"p42.2.m4s\"\n"
                         "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"p42.3.m4s\"\n";
  CHECK(next_part(playlist) == PartId{42, 3});
}

TEST_CASE("next part is part 0 of the next segment when the last listed segment is closed") {
  CHECK(next_part(kHeader + kClosedSegment) == PartId{42, 0});
}

TEST_CASE("next part reads CRLF line ends too") {
  std::string playlist = "#EXTM3U\r\n#EXT-X-MEDIA-SEQUENCE:7\r\n#EXT-X-PART:DURATION=0.3,URI=\"a\"\r\n";
  CHECK(next_part(playlist) == PartId{7, 1});
}

TEST_CASE("next part refuses playlists it cannot count") {
  CHECK_FALSE(next_part("#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:3\n#EXTINF:2.0,\ns3.ts\n"));  // no parts: not LL
  CHECK_FALSE(next_part("#EXTM3U\n#EXT-X-PART:DURATION=0.3,URI=\"a\"\n"));            // no sequence
  CHECK_FALSE(next_part(kHeader + "#EXT-X-SKIP:SKIPPED-SEGMENTS=3\n" + kClosedSegment));
  CHECK_FALSE(next_part("#EXT-X-MEDIA-SEQUENCE:x1\n#EXT-X-PART:DURATION=0.3,URI=\"a\"\n"));
}

TEST_CASE("blocking reload target carries both directives") {
  CHECK(blocking_reload_target("/live/bench/index.m3u8", {42, 3}) ==
        "/live/bench/index.m3u8?_HLS_msn=42&_HLS_part=3");
}
