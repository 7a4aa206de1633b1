// Renders a media playlist as the text players fetch (RFC 8216 4.3).
#pragma once

#include <cstdint>
#include <string>

#include "codec/hls/playlist.hpp"

namespace liverelay::hls {

// The whole playlist: header tags, then per segment EXT-X-DISCONTINUITY, EXT-X-MAP (when it
// changes), EXT-X-PROGRAM-DATE-TIME, EXTINF and the URI; EXT-X-ENDLIST once ended.
std::string write_media_playlist(const MediaPlaylist& playlist);

// ISO 8601 in UTC with milliseconds, as EXT-X-PROGRAM-DATE-TIME takes it (RFC 8216 4.3.2.6):
// 1795669800123 -> "2026-11-26T05:10:00.123Z".
std::string format_program_date_time(int64_t unix_ms);

// EXTINF's decimal-floating-point seconds with millisecond precision: 2002 -> "2.002".
std::string format_duration(int64_t duration_ms);

}  // namespace liverelay::hls
