// Where a low-latency media playlist ends, and the blocking reload that waits for what comes
// next (RFC 8216bis 6.2.5.2: _HLS_msn / _HLS_part).
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ll_hls_park {

// A part of a media segment: its media sequence number and its index within the segment.
struct PartId {
  uint64_t msn = 0;
  uint64_t part = 0;

  auto operator<=>(const PartId&) const = default;
};

// The part after the last one listed: (msn, last + 1) while segment msn is open, (msn + 1, 0)
// once it is closed. nullopt without EXT-X-MEDIA-SEQUENCE, or for a playlist with no part at
// all (not low-latency) or a delta update (EXT-X-SKIP: the count would be off).
std::optional<PartId> next_part(std::string_view playlist);

// `path?_HLS_msn=M&_HLS_part=P` (path has no query of its own).
std::string blocking_reload_target(std::string_view path, PartId part);

}  // namespace ll_hls_park
