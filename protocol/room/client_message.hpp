// Messages a room client sends (JSON text frames over WebSocket or the "room" data channel).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "protocol/room/reaction.hpp"
#include "protocol/room/room_error.hpp"

namespace liverelay::room {

inline constexpr size_t kMaxFrameBytes = 4096;
inline constexpr int kMaxJsonDepth = 16;  // a real message nests one level
inline constexpr size_t kMaxTokenBytes = 256;
inline constexpr size_t kMaxAddressBytes = 64;

// {"type":"hello","user":"Ana"}: sets the display name (validated and trimmed).
struct Hello {
  std::string user;
  bool operator==(const Hello&) const = default;
};

// {"type":"comment","text":"..."}: text validated and trimmed.
struct CommentRequest {
  std::string text;
  bool operator==(const CommentRequest&) const = default;
};

// {"type":"reaction","kind":"like"}
struct ReactionRequest {
  ReactionKind kind;
  bool operator==(const ReactionRequest&) const = default;
};

// {"type":"delete","id":17}: admin moderation; the server checks the socket is an admin.
struct DeleteRequest {
  uint64_t id;
  bool operator==(const DeleteRequest&) const = default;
};

enum class BanTarget { user, address };

// {"type":"ban","user":"..."} or {"type":"ban","address":"..."}: admin moderation, exactly one.
struct BanRequest {
  BanTarget target;
  std::string value;  // a validated display name, or an address (1..kMaxAddressBytes printable ASCII)
  bool operator==(const BanRequest&) const = default;
};

// {"type":"auth","token":"..."}: an admin or bot program authenticates on the socket.
struct Auth {
  std::string token;  // 1..kMaxTokenBytes bytes; a secret: never log it or echo it
  bool operator==(const Auth&) const = default;
};

using ClientMessage = std::variant<Hello, CommentRequest, ReactionRequest, DeleteRequest, BanRequest, Auth>;

// Parses one text frame. Never throws. Unknown extra fields are ignored. Invalid UTF-8 anywhere in
// the frame (including a lone surrogate escape such as "\ud83d") is bad_json: JSON (RFC 8259
// section 8.1) and WebSocket text frames (RFC 6455 section 5.6) must be UTF-8, and the JSON parser
// refuses it before any field is read.
RoomResult<ClientMessage> parse_client_message(std::string_view frame);

}  // namespace liverelay::room
