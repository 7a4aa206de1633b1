// Messages the room sends to its clients, serialised once as compact JSON and shared by every socket.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "protocol/room/comment.hpp"
#include "protocol/room/reaction.hpp"
#include "protocol/room/room_error.hpp"

namespace liverelay::room {

// {"type":"history","comments":[{"type":"comment",...},...]}: comments in the order given, which
// the caller keeps oldest first.
std::string history_message(std::span<const Comment> comments);

// {"type":"comment","id":17,"user":"Ana","text":"...","ts":1732480000123}, with "bot":true added
// only for a bot's comment. Text goes out as written: JSON-escaped, never HTML-escaped.
std::string comment_message(const Comment& comment);

// {"type":"viewers","count":42}
std::string viewers_message(uint64_t count);

// {"type":"reactions","counts":{"like":3}}: only kinds with a nonzero count, in kReactionKinds order.
std::string reactions_message(const ReactionCounts& counts);

// {"type":"state","live":true}
std::string state_message(bool live);

// {"type":"error","code":"rate_limited","message":"..."}
std::string error_message(RoomErrorCode code, std::string_view message);
std::string error_message(const RoomError& error);

// {"type":"delete","id":17}: a moderator removed that comment.
std::string delete_message(uint64_t id);

}  // namespace liverelay::room
