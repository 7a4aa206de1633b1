// One comment in a room, as stored in its history and sent to viewers.
#pragma once

#include <cstdint>
#include <string>

namespace liverelay::room {

struct Comment {
  uint64_t id = 0;    // increases within a stream
  std::string user;   // display name, already validated
  std::string text;   // as the user wrote it, already validated; never HTML-escaped
  int64_t ts_ms = 0;  // milliseconds since the Unix epoch
  bool bot = false;   // posted through the bot API

  bool operator==(const Comment&) const = default;
};

}  // namespace liverelay::room
