// Parses the JSON messages a room client sends into typed requests, refusing bad ones with a code.
#include "protocol/room/client_message.hpp"

#include <nlohmann/json.hpp>
#include <utility>

#include "protocol/room/text_rules.hpp"

namespace liverelay::room {
namespace {

using nlohmann::json;

// nlohmann's parser keeps its own stack rather than recursing, but a frame of brackets still
// builds thousands of nested values for nothing. A bracket count outside strings is enough to
// bound it: a frame that is not JSON at all is the parser's to refuse.
bool nesting_within(std::string_view frame, int max_depth) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (const char c : frame) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) return false;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return true;
}

// The string at key, or null when the field is absent or not a string.
const std::string* string_field(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return nullptr;
  return it->get_ptr<const std::string*>();
}

tl::unexpected<RoomError> missing(std::string_view type, std::string_view field, std::string_view kind) {
  return room_fail(RoomErrorCode::bad_request, std::string(type) + ": \"" + std::string(field) +
                                                   "\" is missing or not " + std::string(kind));
}

RoomResult<ClientMessage> parse_hello(const json& object) {
  const std::string* user = string_field(object, "user");
  if (user == nullptr) return missing("hello", "user", "a string");
  auto name = validate_display_name(*user);
  if (!name) return room_fail(RoomErrorCode::bad_name, "hello: " + name.error().message);
  return Hello{std::move(*name)};
}

RoomResult<ClientMessage> parse_comment(const json& object) {
  const std::string* text = string_field(object, "text");
  if (text == nullptr) return missing("comment", "text", "a string");
  auto valid = validate_comment_text(*text);
  if (!valid) return room_fail(RoomErrorCode::bad_text, "comment: " + valid.error().message);
  return CommentRequest{std::move(*valid)};
}

RoomResult<ClientMessage> parse_reaction(const json& object) {
  const std::string* name = string_field(object, "kind");
  if (name == nullptr) return missing("reaction", "kind", "a string");
  const auto kind = parse_reaction_kind(*name);
  if (!kind) {
    return room_fail(RoomErrorCode::bad_reaction,
                     "reaction: kind is not one of like, love, haha, wow, sad, angry");
  }
  return ReactionRequest{*kind};
}

RoomResult<ClientMessage> parse_delete(const json& object) {
  const auto it = object.find("id");
  // nlohmann keeps non-negative integers as unsigned; -1, 1.5, 1e3 and "17" are all refused.
  if (it == object.end() || !it->is_number_unsigned()) return missing("delete", "id", "an unsigned integer");
  return DeleteRequest{it->get<uint64_t>()};
}

bool is_address(std::string_view address) {
  if (address.empty() || address.size() > kMaxAddressBytes) return false;
  for (const char c : address) {
    if (c <= ' ' || c > '~') return false;
  }
  return true;
}

RoomResult<ClientMessage> parse_ban(const json& object) {
  const bool has_user = object.contains("user");
  const bool has_address = object.contains("address");
  if (has_user == has_address) {
    return room_fail(RoomErrorCode::bad_request, "ban: give exactly one of \"user\" and \"address\"");
  }
  if (has_user) {
    const std::string* user = string_field(object, "user");
    if (user == nullptr) return missing("ban", "user", "a string");
    auto name = validate_display_name(*user);
    if (!name) return room_fail(RoomErrorCode::bad_name, "ban: " + name.error().message);
    return BanRequest{BanTarget::user, std::move(*name)};
  }
  const std::string* address = string_field(object, "address");
  if (address == nullptr) return missing("ban", "address", "a string");
  if (!is_address(*address)) {
    return room_fail(RoomErrorCode::bad_request, "ban: address must be 1 to " +
                                                     std::to_string(kMaxAddressBytes) +
                                                     " printable ASCII characters without spaces");
  }
  return BanRequest{BanTarget::address, *address};
}

RoomResult<ClientMessage> parse_auth(const json& object) {
  const std::string* token = string_field(object, "token");
  if (token == nullptr) return missing("auth", "token", "a string");
  // The token is a secret: the messages say what is wrong with it, never what it is.
  if (token->empty() || token->size() > kMaxTokenBytes) {
    return room_fail(RoomErrorCode::bad_request,
                     "auth: token must be 1 to " + std::to_string(kMaxTokenBytes) + " bytes");
  }
  return Auth{*token};
}

using FieldParser = RoomResult<ClientMessage> (*)(const json&);

struct TypeParser {
  std::string_view name;
  FieldParser parse;
};

constexpr TypeParser kTypeParsers[] = {
    {"hello", parse_hello},   {"comment", parse_comment}, {"reaction", parse_reaction},
    {"delete", parse_delete}, {"ban", parse_ban},         {"auth", parse_auth},
};

RoomResult<ClientMessage> parse_object(std::string_view frame) {
  const json object = json::parse(frame.begin(), frame.end(), nullptr, /*allow_exceptions=*/false);
  if (object.is_discarded()) return room_fail(RoomErrorCode::bad_json, "frame is not valid JSON");
  if (!object.is_object()) return room_fail(RoomErrorCode::bad_json, "frame is not a JSON object");
  const std::string* type = string_field(object, "type");
  if (type == nullptr) return missing("message", "type", "a string");
  for (const TypeParser& candidate : kTypeParsers) {
    if (candidate.name == *type) return candidate.parse(object);
  }
  // The type is not echoed back: it is whatever the sender chose, of any length.
  return room_fail(RoomErrorCode::unknown_type, "unknown message type");
}

}  // namespace

RoomResult<ClientMessage> parse_client_message(std::string_view frame) {
  if (frame.size() > kMaxFrameBytes) {
    return room_fail(RoomErrorCode::too_large, "frame of " + std::to_string(frame.size()) +
                                                   " bytes, over the limit of " +
                                                   std::to_string(kMaxFrameBytes));
  }
  if (!nesting_within(frame, kMaxJsonDepth)) {
    return room_fail(RoomErrorCode::bad_json,
                     "frame nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
  // Parsing runs with exceptions off and reads fields only after checking their types; the catch
  // keeps the promise of never throwing should a future nlohmann throw from a path we missed.
  try {
    return parse_object(frame);
  } catch (const json::exception&) {
    return room_fail(RoomErrorCode::bad_json, "frame is not valid JSON");
  }
}

}  // namespace liverelay::room
