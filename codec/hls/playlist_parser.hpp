// Reads back the segments of a media playlist we wrote (a recording's, after a crash): EXTINF,
// EXT-X-DISCONTINUITY, EXT-X-MAP and EXT-X-PROGRAM-DATE-TIME per segment (RFC 8216 4.3.2).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "codec/hls/playlist.hpp"
#include "protocol/core/error.hpp"

namespace liverelay::hls {

struct ParsedPlaylist {
  std::vector<SegmentEntry> segments;  // in order; `sequence` counts from 0
  bool ended = false;                  // EXT-X-ENDLIST seen
};

// Tags it does not know are skipped; a segment URI without EXTINF, or a malformed EXTINF, MAP
// or PROGRAM-DATE-TIME, is an error naming the line.
Result<ParsedPlaylist> parse_media_playlist(std::string_view text);

// "2026-11-26T05:10:00.123Z" -> ms since 1970 (UTC only, as format_program_date_time writes).
std::optional<int64_t> parse_program_date_time(std::string_view text);

}  // namespace liverelay::hls
