// Renders a media playlist as the text players fetch (RFC 8216 4.3; low-latency HLS: RFC 8216bis).
#pragma once

#include <cstdint>
#include <string>

#include "codec/hls/playlist.hpp"

namespace liverelay::hls {

struct PlaylistRendering {
  // A delta update (RFC 8216bis 6.2.5.1, `_HLS_skip=YES`): the segments older than the skip
  // boundary are replaced by EXT-X-SKIP. Only for a low-latency playlist.
  bool delta = false;
};

// The whole playlist: header tags, then per segment EXT-X-DISCONTINUITY, EXT-X-MAP (when it
// changes), EXT-X-PROGRAM-DATE-TIME, EXTINF and the URI; EXT-X-ENDLIST once ended. A
// low-latency playlist adds EXT-X-SERVER-CONTROL and EXT-X-PART-INF, the parts of the recent
// segments and of the one being produced, and EXT-X-PRELOAD-HINT for the next part.
std::string write_media_playlist(const MediaPlaylist& playlist, PlaylistRendering rendering = {});

// Index (in segments()) of the first segment whose parts the playlist lists: those within three
// target durations of its end (RFC 8216bis 4.4.4.9).
size_t first_segment_with_parts(const MediaPlaylist& playlist);

// How many leading segments a delta update of this playlist skips.
size_t skippable_segments(const MediaPlaylist& playlist);

// The playlist timing figures a low-latency playlist advertises (RFC 8216bis 4.4.3.8).
int64_t part_hold_back_ms(const MediaPlaylist& playlist);  // 3 part targets (at least 2 required)
int64_t can_skip_until_ms(const MediaPlaylist& playlist);  // 6 target durations (the minimum)

// ISO 8601 in UTC with milliseconds, as EXT-X-PROGRAM-DATE-TIME takes it (RFC 8216 4.3.2.6):
// 1795669800123 -> "2026-11-26T05:10:00.123Z".
std::string format_program_date_time(int64_t unix_ms);

// EXTINF's decimal-floating-point seconds with millisecond precision: 2002 -> "2.002".
std::string format_duration(int64_t duration_ms);

}  // namespace liverelay::hls
