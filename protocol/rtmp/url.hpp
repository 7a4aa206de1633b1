// rtmp:// URLs as encoders and relays write them: where to connect, the app, the stream name.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/core/error.hpp"

namespace liverelay::rtmp {

struct Url {
  std::string host;  // a name or an address; IPv6 without its brackets
  uint16_t port = 1935;
  std::string app;          // the first path segment: "live"
  std::string stream_name;  // the rest, query included: "cam1", "key?token=x", "a/b"

  // connect's tcUrl: rtmp://host:port/app (FFmpeg and OBS send the same).
  [[nodiscard]] std::string tc_url() const;
  // For logs and APIs: the stream name of a push target is another platform's secret key, so
  // it never leaves the process. "rtmp://a.rtmp.youtube.com:1935/live2/…"
  [[nodiscard]] std::string redacted() const;
};

// Parses rtmp://host[:port]/app/stream. Fails (malformed) on another scheme, an empty host, a
// bad port, or a path without both an app and a stream name; rtmps:// is unsupported.
Result<Url> parse_url(std::string_view text);

}  // namespace liverelay::rtmp
