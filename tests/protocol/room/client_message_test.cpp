// Unit tests for parsing what room clients send, and the error code each bad frame gets.
#include "protocol/room/client_message.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <string_view>
#include <utility>

using namespace liverelay::room;

namespace {

ClientMessage parsed(std::string_view frame) {
  auto message = parse_client_message(frame);
  INFO("frame " << frame);
  INFO("error " << (message ? std::string() : message.error().message));
  REQUIRE(message.has_value());
  return std::move(*message);
}

RoomError refused(std::string_view frame) {
  auto message = parse_client_message(frame);
  INFO("frame " << frame);
  REQUIRE_FALSE(message.has_value());
  return std::move(message).error();
}

RoomErrorCode code_of(std::string_view frame) {
  return refused(frame).code;
}

std::string nested_arrays(int depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

}  // namespace

TEST_CASE("every error code has its wire name", "[room]") {
  CHECK(to_string(RoomErrorCode::bad_json) == "bad_json");
  CHECK(to_string(RoomErrorCode::unknown_type) == "unknown_type");
  CHECK(to_string(RoomErrorCode::bad_text) == "bad_text");
  CHECK(to_string(RoomErrorCode::bad_name) == "bad_name");
  CHECK(to_string(RoomErrorCode::bad_reaction) == "bad_reaction");
  CHECK(to_string(RoomErrorCode::bad_request) == "bad_request");
  CHECK(to_string(RoomErrorCode::rate_limited) == "rate_limited");
  CHECK(to_string(RoomErrorCode::banned) == "banned");
  CHECK(to_string(RoomErrorCode::forbidden) == "forbidden");
  CHECK(to_string(RoomErrorCode::too_large) == "too_large");
  CHECK(to_string(RoomErrorCode::binary) == "binary");
}

TEST_CASE("reaction kinds map to their wire names and back, case-sensitively", "[room]") {
  for (const ReactionKind kind : kReactionKinds) CHECK(parse_reaction_kind(to_string(kind)) == kind);
  CHECK(to_string(ReactionKind::like) == "like");
  CHECK(to_string(ReactionKind::angry) == "angry");
  CHECK(parse_reaction_kind("haha") == ReactionKind::haha);
  CHECK_FALSE(parse_reaction_kind("Like"));
  CHECK_FALSE(parse_reaction_kind("clap"));
  CHECK_FALSE(parse_reaction_kind(""));
}

TEST_CASE("each client message type parses into its request", "[room]") {
  CHECK(parsed(R"({"type":"hello","user":"Ana"})") == ClientMessage{Hello{"Ana"}});
  CHECK(parsed(R"({"type":"comment","text":"first!"})") == ClientMessage{CommentRequest{"first!"}});
  CHECK(parsed(R"({"type":"reaction","kind":"wow"})") == ClientMessage{ReactionRequest{ReactionKind::wow}});
  CHECK(parsed(R"({"type":"delete","id":17})") == ClientMessage{DeleteRequest{17}});
  CHECK(parsed(R"({"type":"delete","id":18446744073709551615})") ==
        ClientMessage{DeleteRequest{18446744073709551615ULL}});
  CHECK(parsed(R"({"type":"ban","user":"Troll"})") == ClientMessage{BanRequest{BanTarget::user, "Troll"}});
  CHECK(parsed(R"({"type":"ban","address":"2001:db8::7"})") ==
        ClientMessage{BanRequest{BanTarget::address, "2001:db8::7"}});
  CHECK(parsed(R"({"type":"auth","token":"s3cret"})") == ClientMessage{Auth{"s3cret"}});
}

TEST_CASE("field order, whitespace and unknown extra fields do not matter", "[room]") {
  CHECK(parsed(" {\n \"text\" : \"hi\", \"client\": {\"v\": [1, 2]}, \"type\": \"comment\" } ") ==
        ClientMessage{CommentRequest{"hi"}});
}

TEST_CASE("comment text and names arrive trimmed and unescaped, markup untouched", "[room]") {
  CHECK(parsed(R"({"type":"comment","text":"<img src=x onerror=alert(1)>"})") ==
        ClientMessage{CommentRequest{"<img src=x onerror=alert(1)>"}});
  CHECK(parsed(R"({"type":"comment","text":" \u00a0say \"hi\" \\ \u00e9\ud83d\ude00\n"})") ==
        ClientMessage{CommentRequest{"say \"hi\" \\ \xC3\xA9\xF0\x9F\x98\x80"}});
  CHECK(parsed(R"({"type":"comment","text":"two\nlines"})") == ClientMessage{CommentRequest{"two\nlines"}});
  CHECK(parsed("{\"type\":\"hello\",\"user\":\"\xE3\x80\x80Jos\xC3\xA9 \"}") ==
        ClientMessage{Hello{"Jos\xC3\xA9"}});
}

TEST_CASE("a frame that is not a JSON object is bad_json", "[room]") {
  CHECK(code_of("") == RoomErrorCode::bad_json);
  CHECK(code_of("hello") == RoomErrorCode::bad_json);
  CHECK(code_of(R"({"type":"comment","text":"hi")") == RoomErrorCode::bad_json);
  CHECK(code_of(R"({"type":"comment","text":"hi"} {})") == RoomErrorCode::bad_json);
  CHECK(code_of(R"({'type':'comment'})") == RoomErrorCode::bad_json);
  CHECK(code_of(R"({"type":"comment"} // note)") == RoomErrorCode::bad_json);
  CHECK(code_of(R"({"type":"delete","id":1e999})") == RoomErrorCode::bad_json);
  CHECK(refused("[]").message == "frame is not a JSON object");
  CHECK(code_of(R"("comment")") == RoomErrorCode::bad_json);
  CHECK(code_of("42") == RoomErrorCode::bad_json);
  CHECK(code_of("null") == RoomErrorCode::bad_json);
}

TEST_CASE("invalid UTF-8 anywhere in a frame is bad_json, as JSON must be UTF-8", "[room]") {
  CHECK(code_of("{\"type\":\"comment\",\"text\":\"a\xC0\xAF\"}") == RoomErrorCode::bad_json);
  CHECK(code_of("{\"type\":\"comment\",\"text\":\"\xED\xA0\x80\"}") == RoomErrorCode::bad_json);
  CHECK(code_of("{\"type\":\"comment\",\"text\":\"cut \xF0\x9F\x98\"}") == RoomErrorCode::bad_json);
  // A lone surrogate escape, as JSON.stringify writes for an emoji cut in half.
  CHECK(code_of(R"({"type":"comment","text":"cut \ud83d"})") == RoomErrorCode::bad_json);
}

TEST_CASE("nesting deeper than 16 levels is bad_json; brackets inside strings do not count", "[room]") {
  const std::string at_limit = R"({"type":"comment","text":"hi","x":)" + nested_arrays(15) + "}";
  CHECK(parsed(at_limit) == ClientMessage{CommentRequest{"hi"}});

  const std::string over = R"({"type":"comment","text":"hi","x":)" + nested_arrays(16) + "}";
  const RoomError error = refused(over);
  CHECK(error.code == RoomErrorCode::bad_json);
  CHECK(error.message == "frame nests deeper than 16 levels");

  CHECK(code_of(nested_arrays(2000)) == RoomErrorCode::bad_json);
  CHECK(code_of(std::string(4000, '{')) == RoomErrorCode::bad_json);

  const std::string brackets = std::string(100, '[') + "\\\"{" + std::string(100, '}');
  CHECK(parsed(R"({"type":"comment","text":")" + brackets + "\"}") ==
        ClientMessage{CommentRequest{std::string(100, '[') + "\"{" + std::string(100, '}')}});
}

TEST_CASE("a frame over 4 KiB is too_large, one of exactly 4 KiB is read", "[room]") {
  std::string frame = R"({"type":"comment","text":"hi"})";
  frame.insert(frame.size() - 1, kMaxFrameBytes - frame.size(), ' ');
  REQUIRE(frame.size() == kMaxFrameBytes);
  CHECK(parsed(frame) == ClientMessage{CommentRequest{"hi"}});

  frame.insert(frame.size() - 1, " ");
  const RoomError error = refused(frame);
  CHECK(error.code == RoomErrorCode::too_large);
  CHECK(error.message == "frame of 4097 bytes, over the limit of 4096");
}

TEST_CASE("a type nobody knows is unknown_type, a missing or non-string type bad_request", "[room]") {
  const RoomError unknown = refused(R"({"type":"shout<script>","text":"hi"})");
  CHECK(unknown.code == RoomErrorCode::unknown_type);
  CHECK(unknown.message == "unknown message type");
  CHECK(code_of(R"({"type":"Comment","text":"hi"})") == RoomErrorCode::unknown_type);
  CHECK(code_of(R"({"type":"","text":"hi"})") == RoomErrorCode::unknown_type);

  CHECK(code_of(R"({"text":"hi"})") == RoomErrorCode::bad_request);
  CHECK(code_of(R"({"type":3})") == RoomErrorCode::bad_request);
  CHECK(code_of(R"({"type":null})") == RoomErrorCode::bad_request);
  CHECK(code_of(R"({"type":["comment"]})") == RoomErrorCode::bad_request);
}

TEST_CASE("a missing or mistyped field is bad_request", "[room]") {
  const RoomError no_text = refused(R"({"type":"comment"})");
  CHECK(no_text.code == RoomErrorCode::bad_request);
  CHECK(no_text.message == "comment: \"text\" is missing or not a string");
  CHECK(code_of(R"({"type":"comment","text":42})") == RoomErrorCode::bad_request);
  CHECK(code_of(R"({"type":"comment","text":null})") == RoomErrorCode::bad_request);
  CHECK(code_of(R"({"type":"comment","text":["hi"]})") == RoomErrorCode::bad_request);
  CHECK(code_of(R"({"type":"hello"})") == RoomErrorCode::bad_request);
  CHECK(code_of(R"({"type":"hello","user":{"name":"Ana"}})") == RoomErrorCode::bad_request);
  CHECK(code_of(R"({"type":"reaction"})") == RoomErrorCode::bad_request);
  CHECK(code_of(R"({"type":"reaction","kind":1})") == RoomErrorCode::bad_request);
}

TEST_CASE("a delete needs a non-negative integer id", "[room]") {
  const RoomError no_id = refused(R"({"type":"delete"})");
  CHECK(no_id.code == RoomErrorCode::bad_request);
  CHECK(no_id.message == "delete: \"id\" is missing or not an unsigned integer");
  CHECK(code_of(R"({"type":"delete","id":-1})") == RoomErrorCode::bad_request);
  CHECK(code_of(R"({"type":"delete","id":1.5})") == RoomErrorCode::bad_request);
  CHECK(code_of(R"({"type":"delete","id":1e3})") == RoomErrorCode::bad_request);
  CHECK(code_of(R"({"type":"delete","id":"17"})") == RoomErrorCode::bad_request);
  CHECK(code_of(R"({"type":"delete","id":18446744073709551616})") == RoomErrorCode::bad_request);
}

TEST_CASE("a ban names exactly one user or one address", "[room]") {
  CHECK(parsed(R"({"type":"ban","user":"  Troll "})") == ClientMessage{BanRequest{BanTarget::user, "Troll"}});
  CHECK(parsed(R"({"type":"ban","address":"203.0.113.7"})") ==
        ClientMessage{BanRequest{BanTarget::address, "203.0.113.7"}});

  const RoomError both = refused(R"({"type":"ban","user":"Troll","address":"203.0.113.7"})");
  CHECK(both.code == RoomErrorCode::bad_request);
  CHECK(both.message == "ban: give exactly one of \"user\" and \"address\"");
  CHECK(code_of(R"({"type":"ban"})") == RoomErrorCode::bad_request);
  CHECK(code_of(R"({"type":"ban","user":7})") == RoomErrorCode::bad_request);
  CHECK(code_of(R"({"type":"ban","address":null})") == RoomErrorCode::bad_request);
  CHECK(code_of(R"({"type":"ban","address":""})") == RoomErrorCode::bad_request);
  CHECK(code_of(R"({"type":"ban","address":"203.0.113.7 x"})") == RoomErrorCode::bad_request);
  CHECK(code_of(R"({"type":"ban","address":")" + std::string(kMaxAddressBytes + 1, '1') + "\"}") ==
        RoomErrorCode::bad_request);
  CHECK(code_of(R"({"type":"ban","user":""})") == RoomErrorCode::bad_name);
  CHECK(code_of(R"({"type":"ban","user":"A\nB"})") == RoomErrorCode::bad_name);
}

TEST_CASE("an auth token is 1 to 256 bytes and never appears in an error", "[room]") {
  const std::string longest(kMaxTokenBytes, 't');
  CHECK(parsed(R"({"type":"auth","token":")" + longest + "\"}") == ClientMessage{Auth{longest}});

  const std::string too_long = "sk_" + std::string(kMaxTokenBytes, 'z');
  const RoomError error = refused(R"({"type":"auth","token":")" + too_long + "\"}");
  CHECK(error.code == RoomErrorCode::bad_request);
  CHECK(error.message == "auth: token must be 1 to 256 bytes");
  CHECK(error.message.find("sk_") == std::string::npos);
  CHECK(code_of(R"({"type":"auth","token":""})") == RoomErrorCode::bad_request);
  CHECK(code_of(R"({"type":"auth"})") == RoomErrorCode::bad_request);
  CHECK(code_of(R"({"type":"auth","token":12345})") == RoomErrorCode::bad_request);
}

TEST_CASE("comment text that breaks the text rules is bad_text", "[room]") {
  const RoomError empty = refused(R"({"type":"comment","text":" \u3000\n "})");
  CHECK(empty.code == RoomErrorCode::bad_text);
  CHECK(empty.message == "comment: text is empty");
  CHECK(code_of(R"({"type":"comment","text":""})") == RoomErrorCode::bad_text);
  CHECK(code_of(R"({"type":"comment","text":"beep\u0007"})") == RoomErrorCode::bad_text);
  CHECK(code_of(R"({"type":"comment","text":"nul\u0000byte"})") == RoomErrorCode::bad_text);
  CHECK(code_of(R"({"type":"comment","text":"a\rb"})") == RoomErrorCode::bad_text);

  std::string text;
  for (int i = 0; i < 500; ++i) text += "\xF0\x9F\x98\x80";  // 2,000 bytes, 500 characters
  CHECK(parsed(R"({"type":"comment","text":")" + text + "\"}") == ClientMessage{CommentRequest{text}});
  const RoomError too_long = refused(R"({"type":"comment","text":")" + text + "!\"}");
  CHECK(too_long.code == RoomErrorCode::bad_text);
  CHECK(too_long.message == "comment: text is 501 characters, over the limit of 500");
}

TEST_CASE("a display name that breaks the name rules is bad_name", "[room]") {
  const RoomError empty = refused(R"({"type":"hello","user":"   "})");
  CHECK(empty.code == RoomErrorCode::bad_name);
  CHECK(empty.message == "hello: name is empty");
  CHECK(code_of(R"({"type":"hello","user":"Ana\nAdmin"})") == RoomErrorCode::bad_name);
  CHECK(code_of(R"({"type":"hello","user":"Ana\tB"})") == RoomErrorCode::bad_name);
  CHECK(code_of(R"({"type":"hello","user":")" + std::string(33, 'a') + "\"}") == RoomErrorCode::bad_name);
  CHECK(parsed(R"({"type":"hello","user":")" + std::string(32, 'a') + "\"}") ==
        ClientMessage{Hello{std::string(32, 'a')}});
}

TEST_CASE("a reaction outside the fixed set is bad_reaction", "[room]") {
  const RoomError clap = refused(R"({"type":"reaction","kind":"clap"})");
  CHECK(clap.code == RoomErrorCode::bad_reaction);
  CHECK(clap.message == "reaction: kind is not one of like, love, haha, wow, sad, angry");
  CHECK(code_of(R"({"type":"reaction","kind":"LIKE"})") == RoomErrorCode::bad_reaction);
  CHECK(code_of(R"({"type":"reaction","kind":""})") == RoomErrorCode::bad_reaction);
}
