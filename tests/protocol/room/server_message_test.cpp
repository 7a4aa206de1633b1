// Unit tests for the room's server-to-client messages: the exact bytes every viewer receives.
#include "protocol/room/server_message.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "protocol/room/client_message.hpp"

using namespace liverelay::room;

namespace {

Comment ana_comment() {
  return Comment{17, "Ana", "first!", 1732480000123, false};
}

}  // namespace

TEST_CASE("a comment is written with its keys in the documented order", "[room]") {
  CHECK(comment_message(ana_comment()) ==
        R"({"type":"comment","id":17,"user":"Ana","text":"first!","ts":1732480000123})");
}

TEST_CASE("a bot's comment carries bot:true and a person's carries no bot key", "[room]") {
  Comment bot{18, "Helpdesk", "Welcome!", 1732480000500, true};
  CHECK(comment_message(bot) ==
        R"({"type":"comment","id":18,"user":"Helpdesk","text":"Welcome!","ts":1732480000500,"bot":true})");
  CHECK(comment_message(ana_comment()).find("bot") == std::string::npos);
}

TEST_CASE("comment text goes out as written: JSON-escaped only, never HTML-escaped", "[room]") {
  Comment comment = ana_comment();
  comment.text = "<img src=x onerror=alert(1)> & </script>";
  CHECK(
      comment_message(comment) ==
      R"({"type":"comment","id":17,"user":"Ana","text":"<img src=x onerror=alert(1)> & </script>","ts":1732480000123})");

  comment.text = "say \"hi\" \\ two\nlines\ttab \x01";
  CHECK(
      comment_message(comment) ==
      R"({"type":"comment","id":17,"user":"Ana","text":"say \"hi\" \\ two\nlines\ttab \u0001","ts":1732480000123})");

  // Non-ASCII travels as UTF-8, not as \u escapes.
  comment.user = "Jos\xC3\xA9";
  comment.text = "\xF0\x9F\x98\x80 \xE2\x82\xAC";
  CHECK(comment_message(comment) ==
        "{\"type\":\"comment\",\"id\":17,\"user\":\"Jos\xC3\xA9\",\"text\":\"\xF0\x9F\x98\x80 "
        "\xE2\x82\xAC\",\"ts\":1732480000123}");
}

TEST_CASE("comment text survives a trip from client frame to server message unchanged", "[room]") {
  const std::string frame = R"({"type":"comment","text":"<b>bold?</b> \"q\" \\ caf\u00e9\nnext"})";
  const auto request = parse_client_message(frame);
  REQUIRE(request.has_value());
  Comment comment = ana_comment();
  comment.text = std::get<CommentRequest>(*request).text;
  CHECK(comment_message(comment) ==
        "{\"type\":\"comment\",\"id\":17,\"user\":\"Ana\",\"text\":\"<b>bold?</b> \\\"q\\\" \\\\ "
        "caf\xC3\xA9\\nnext\","
        "\"ts\":1732480000123}");
}

TEST_CASE("ids and timestamps keep their full range", "[room]") {
  Comment comment{std::numeric_limits<uint64_t>::max(), "A", "x", -1, false};
  CHECK(comment_message(comment) ==
        R"({"type":"comment","id":18446744073709551615,"user":"A","text":"x","ts":-1})");
}

TEST_CASE("a byte that is not UTF-8 is replaced rather than making serialising throw", "[room]") {
  Comment comment = ana_comment();
  comment.user = "A\xFF";
  CHECK(
      comment_message(comment) ==
      "{\"type\":\"comment\",\"id\":17,\"user\":\"A\xEF\xBF\xBD\",\"text\":\"first!\",\"ts\":1732480000123}");
  CHECK(error_message(RoomErrorCode::bad_text, "cut \xF0\x9F") ==
        "{\"type\":\"error\",\"code\":\"bad_text\",\"message\":\"cut \xEF\xBF\xBD\"}");
}

TEST_CASE("history lists comments in the order given, each as a comment message", "[room]") {
  CHECK(history_message({}) == R"({"type":"history","comments":[]})");

  const std::vector<Comment> comments = {
      {3, "Ana", "hi", 1000, false},
      {4, "Helpdesk", "hello", 2000, true},
  };
  CHECK(history_message(comments) ==
        R"({"type":"history","comments":[)"
        R"({"type":"comment","id":3,"user":"Ana","text":"hi","ts":1000},)"
        R"({"type":"comment","id":4,"user":"Helpdesk","text":"hello","ts":2000,"bot":true}]})");
}

TEST_CASE("viewer counts, live state and deletions are one small object each", "[room]") {
  CHECK(viewers_message(42) == R"({"type":"viewers","count":42})");
  CHECK(viewers_message(0) == R"({"type":"viewers","count":0})");
  CHECK(state_message(true) == R"({"type":"state","live":true})");
  CHECK(state_message(false) == R"({"type":"state","live":false})");
  CHECK(delete_message(17) == R"({"type":"delete","id":17})");
}

TEST_CASE("reaction counts list only kinds with a nonzero count, in a fixed order", "[room]") {
  ReactionCounts counts;
  CHECK(counts.empty());
  CHECK(reactions_message(counts) == R"({"type":"reactions","counts":{}})");

  counts[ReactionKind::like] = 3;
  CHECK(reactions_message(counts) == R"({"type":"reactions","counts":{"like":3}})");

  counts[ReactionKind::angry] = 1;
  counts[ReactionKind::haha] = 12;
  CHECK_FALSE(counts.empty());
  CHECK(reactions_message(counts) == R"({"type":"reactions","counts":{"like":3,"haha":12,"angry":1}})");

  counts.clear();
  CHECK(counts.empty());
}

TEST_CASE("an error names its code and says what went wrong", "[room]") {
  CHECK(error_message(RoomErrorCode::rate_limited, "slow down") ==
        R"({"type":"error","code":"rate_limited","message":"slow down"})");
  CHECK(error_message(RoomErrorCode::binary, "") == R"({"type":"error","code":"binary","message":""})");

  const auto refused = parse_client_message(R"({"type":"reaction","kind":"clap"})");
  REQUIRE_FALSE(refused.has_value());
  CHECK(
      error_message(refused.error()) ==
      R"({"type":"error","code":"bad_reaction","message":"reaction: kind is not one of like, love, haha, wow, sad, angry"})");
}
