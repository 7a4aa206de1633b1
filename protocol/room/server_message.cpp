// Serialises the room's server-to-client messages as compact JSON, keys in the documented order.
#include "protocol/room/server_message.hpp"

#include <nlohmann/json.hpp>
#include <utility>

namespace liverelay::room {
namespace {

// ordered_json keeps keys in insertion order, so "type" comes first as the contract shows.
using nlohmann::ordered_json;

// Compact, non-ASCII characters as UTF-8 rather than \u escapes. Everything we send was validated
// on the way in, but "replace" (U+FFFD) instead of the default "strict" keeps dump() from ever
// throwing on a byte that slipped through.
std::string dump(const ordered_json& value) {
  return value.dump(-1, ' ', /*ensure_ascii=*/false, ordered_json::error_handler_t::replace);
}

ordered_json typed(std::string_view type) {
  ordered_json object = ordered_json::object();
  object["type"] = type;
  return object;
}

ordered_json comment_object(const Comment& comment) {
  ordered_json object = typed("comment");
  object["id"] = comment.id;
  object["user"] = comment.user;
  object["text"] = comment.text;
  object["ts"] = comment.ts_ms;
  if (comment.bot) object["bot"] = true;
  return object;
}

}  // namespace

std::string history_message(std::span<const Comment> comments) {
  ordered_json list = ordered_json::array();
  for (const Comment& comment : comments) list.push_back(comment_object(comment));
  ordered_json object = typed("history");
  object["comments"] = std::move(list);
  return dump(object);
}

std::string comment_message(const Comment& comment) {
  return dump(comment_object(comment));
}

std::string viewers_message(uint64_t count) {
  ordered_json object = typed("viewers");
  object["count"] = count;
  return dump(object);
}

std::string reactions_message(const ReactionCounts& counts) {
  ordered_json by_kind = ordered_json::object();
  for (const ReactionKind kind : kReactionKinds) {
    if (counts[kind] != 0) by_kind[std::string(to_string(kind))] = counts[kind];
  }
  ordered_json object = typed("reactions");
  object["counts"] = std::move(by_kind);
  return dump(object);
}

std::string state_message(bool live) {
  ordered_json object = typed("state");
  object["live"] = live;
  return dump(object);
}

std::string error_message(RoomErrorCode code, std::string_view message) {
  ordered_json object = typed("error");
  object["code"] = to_string(code);
  object["message"] = message;
  return dump(object);
}

std::string error_message(const RoomError& error) {
  return error_message(error.code, error.message);
}

std::string delete_message(uint64_t id) {
  ordered_json object = typed("delete");
  object["id"] = id;
  return dump(object);
}

}  // namespace liverelay::room
