// Wire names of the room's error codes.
#include "protocol/room/room_error.hpp"

namespace liverelay::room {

std::string_view to_string(RoomErrorCode code) {
  switch (code) {
    case RoomErrorCode::bad_json:
      return "bad_json";
    case RoomErrorCode::unknown_type:
      return "unknown_type";
    case RoomErrorCode::bad_text:
      return "bad_text";
    case RoomErrorCode::bad_name:
      return "bad_name";
    case RoomErrorCode::bad_reaction:
      return "bad_reaction";
    case RoomErrorCode::bad_request:
      return "bad_request";
    case RoomErrorCode::rate_limited:
      return "rate_limited";
    case RoomErrorCode::banned:
      return "banned";
    case RoomErrorCode::forbidden:
      return "forbidden";
    case RoomErrorCode::too_large:
      return "too_large";
    case RoomErrorCode::binary:
      return "binary";
  }
  return "unknown";
}

}  // namespace liverelay::room
