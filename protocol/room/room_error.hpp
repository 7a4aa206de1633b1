// Machine codes for refused room messages, sent to the client as {"type":"error","code":...}.
#pragma once

#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <utility>

namespace liverelay::room {

enum class RoomErrorCode {
  bad_json,      // not JSON, not an object, or nested too deep
  unknown_type,  // "type" names no message we know
  bad_text,      // comment text: invalid UTF-8, empty after trimming, too long, control characters
  bad_name,      // display name: the same rules, shorter, on one line
  bad_reaction,  // reaction kind not in the fixed set
  bad_request,   // a field is missing or has the wrong JSON type
  rate_limited,  // sending faster than the room allows
  banned,        // this name or address may no longer post
  forbidden,     // an admin message from a socket that has not authenticated as admin
  too_large,     // frame over the size limit
  binary,        // a binary frame: the room speaks text frames only
};

// The wire name: "bad_json", "rate_limited", ...
std::string_view to_string(RoomErrorCode code);

struct RoomError {
  RoomErrorCode code;
  std::string message;  // for people; never holds a token
};

template <class T>
using RoomResult = tl::expected<T, RoomError>;

[[nodiscard]] inline tl::unexpected<RoomError> room_fail(RoomErrorCode code, std::string message) {
  return tl::unexpected<RoomError>(RoomError{code, std::move(message)});
}

}  // namespace liverelay::room
