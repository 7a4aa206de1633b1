// The delivery directives of a low-latency playlist request (RFC 8216bis 6.2.5): which
// playlist update the client waits for, and whether it wants a delta update.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "codec/hls/playlist.hpp"
#include "protocol/core/error.hpp"

namespace liverelay::hls {

struct ReloadRequest {
  std::optional<uint64_t> msn;   // _HLS_msn: hold until this media sequence number is listed
  std::optional<uint64_t> part;  // _HLS_part: ... or this part of it
  bool skip = false;             // _HLS_skip=YES (or v2): a delta update

  [[nodiscard]] bool blocking() const { return msn.has_value(); }
};

// Reads the directives out of a raw query string; other parameters are ignored (a CDN may add
// its own). _HLS_part without _HLS_msn, or a value that is not a decimal integer, is an error.
Result<ReloadRequest> parse_reload_query(std::string_view query);

enum class ReloadVerdict {
  ready,        // the playlist has what was asked for: answer now
  wait,         // hold the request until the playlist changes
  bad_request,  // too far in the future: 400 at once (RFC 8216bis 6.2.5.2)
};

// Whether the current playlist satisfies a blocking request: it does once it lists segment
// `msn` whole, or (with `part`) that part of it or anything after it, or once it has ended.
ReloadVerdict judge_reload(const MediaPlaylist& playlist, const ReloadRequest& request);

// How long a held request may wait before the server gives up on it (503): three target
// durations, as RFC 8216bis 6.2.5.2 tells clients to expect at most.
int64_t reload_timeout_ms(const MediaPlaylist& playlist);

}  // namespace liverelay::hls
