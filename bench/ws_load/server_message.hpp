// What the load generator needs from a server's JSON message (DESIGN.md, "WebSocket messages"):
// its type, and for a comment the send time the load generator wrote into its text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ws_load {

enum class MessageType { kComment, kError, kViewers, kHistory, kOther };

struct ServerMessage {
  MessageType type = MessageType::kOther;
  std::string_view text;  // kComment: the comment's text, as escaped on the wire
  std::string_view code;  // kError: the error code, e.g. "rate_limited"
  uint64_t count = 0;     // kViewers: the viewer count
};

// Reads the top-level "type", "text", "code" and "count" of one JSON object without building
// it: nested values (a history's comments) are skipped, and key order does not matter.
ServerMessage scan_server_message(std::string_view json);

// The text the load generator sends: "t=<steady-clock ns> s=<sender>".
std::string comment_text(uint64_t sent_ns, uint32_t sender);
// The send time back out of a comment's text, if it is one of ours.
std::optional<uint64_t> sent_ns_of(std::string_view text);

}  // namespace ws_load
