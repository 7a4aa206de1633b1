// CommentStore: history order and limit, deletes, ids per stream, restarts, byte-exact text.
#include "server/storage/comment_store.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "server/storage/broadcast_store.hpp"
#include "server/storage/database.hpp"
#include "tests/server/storage/temp_dir.hpp"

using namespace liverelay;
using liverelay::testing::TempDir;

namespace {

StoredComment comment(std::string stream, uint64_t id, std::string text = "") {
  StoredComment c;
  c.stream = std::move(stream);
  c.id = id;
  c.user = "Ana";
  c.text = text.empty() ? "comment " + std::to_string(id) : std::move(text);
  c.ts_ms = 1'732'480'000'000 + static_cast<int64_t>(id) * 1000;
  c.address = "203.0.113.7";
  return c;
}

std::unique_ptr<Database> open(const TempDir& dir) {
  auto database = Database::open_in(dir.path());
  REQUIRE(database);
  return std::move(*database);
}

}  // namespace

TEST_CASE("recent returns the newest comments up to the limit, oldest first", "[storage]") {
  TempDir dir;
  auto database = open(dir);
  CommentStore store(*database);
  for (uint64_t id = 1; id <= 60; ++id) REQUIRE(store.append(comment("cam1", id)));

  auto recent = store.recent("cam1", 50);
  REQUIRE(recent);
  REQUIRE(recent->size() == 50);
  CHECK(recent->front().id == 11);
  CHECK(recent->back().id == 60);
  for (size_t i = 1; i < recent->size(); ++i) CHECK((*recent)[i].id == (*recent)[i - 1].id + 1);
  CHECK(recent->back() == comment("cam1", 60));  // every field comes back

  auto few = store.recent("cam1", 3);
  REQUIRE(few);
  REQUIRE(few->size() == 3);
  CHECK(few->front().id == 58);
  CHECK(store.recent("cam1", 0).value().empty());
  CHECK(store.recent("other", 50).value().empty());
  CHECK(store.count("cam1").value() == 60);
}

TEST_CASE("deleted comments leave history and the count but keep their id taken", "[storage]") {
  TempDir dir;
  auto database = open(dir);
  CommentStore store(*database);
  for (uint64_t id = 1; id <= 5; ++id) REQUIRE(store.append(comment("cam1", id)));

  CHECK(store.remove("cam1", 5).value());
  CHECK(store.remove("cam1", 2).value());
  CHECK_FALSE(store.remove("cam1", 2).value());   // already deleted
  CHECK_FALSE(store.remove("cam1", 99).value());  // never posted
  CHECK_FALSE(store.remove("cam2", 1).value());   // another stream's id space

  auto recent = store.recent("cam1", 50);
  REQUIRE(recent);
  REQUIRE(recent->size() == 3);
  CHECK(recent->at(0).id == 1);
  CHECK(recent->at(1).id == 3);
  CHECK(recent->at(2).id == 4);
  CHECK(store.count("cam1").value() == 3);
  CHECK(store.last_id("cam1").value() == 5);  // the room goes on from 6, never reusing 5

  // The limit counts visible comments: the two newest visible are 3 and 4.
  auto two = store.recent("cam1", 2);
  REQUIRE(two);
  REQUIRE(two->size() == 2);
  CHECK(two->at(0).id == 3);
  CHECK(two->at(1).id == 4);
}

TEST_CASE("last_id is kept per stream and is 0 for a stream with no comments", "[storage]") {
  TempDir dir;
  auto database = open(dir);
  CommentStore store(*database);
  CHECK(store.last_id("cam1").value() == 0);
  for (uint64_t id = 1; id <= 3; ++id) REQUIRE(store.append(comment("cam1", id)));
  for (uint64_t id = 1; id <= 7; ++id) REQUIRE(store.append(comment("cam2", id)));
  CHECK(store.last_id("cam1").value() == 3);
  CHECK(store.last_id("cam2").value() == 7);
  CHECK(store.last_id("cam3").value() == 0);
  CHECK(store.recent("cam1", 50).value().size() == 3);
}

TEST_CASE("comments survive closing and reopening the database", "[storage]") {
  TempDir dir;
  {
    auto database = open(dir);
    CommentStore store(*database);
    for (uint64_t id = 1; id <= 12; ++id) REQUIRE(store.append(comment("cam1", id)));
    REQUIRE(store.remove("cam1", 12));
  }  // the store, then the database, as the server shuts down
  auto database = open(dir);
  CommentStore store(*database);
  CHECK(store.last_id("cam1").value() == 12);
  auto recent = store.recent("cam1", 10);
  REQUIRE(recent);
  REQUIRE(recent->size() == 10);
  CHECK(recent->front() == comment("cam1", 2));
  CHECK(recent->back() == comment("cam1", 11));
  REQUIRE(store.append(comment("cam1", 13)));
  CHECK(store.last_id("cam1").value() == 13);
}

TEST_CASE("comment text and names round-trip byte for byte", "[storage]") {
  TempDir dir;
  auto database = open(dir);
  CommentStore store(*database);
  const std::string texts[] = {
      "it's \"quoted\" 'twice' -- ; DROP TABLE comments;",
      "\xF0\x9F\x8E\x89 party \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD caf\xC3\xA9 \xE4\xBD\xA0\xE5\xA5\xBD",
      "<img src=x onerror=alert(1)>",
      std::string("before\0after", 12),
      std::string(4000, 'x') + "\xE2\x9C\x94",
  };
  uint64_t id = 0;
  for (const auto& text : texts) {
    auto c = comment("cam1", ++id, text);
    c.user = "Zo\xC3\xAB <b>\"bold\"</b>";
    REQUIRE(store.append(c));
  }
  auto recent = store.recent("cam1", 50);
  REQUIRE(recent);
  REQUIRE(recent->size() == std::size(texts));
  for (size_t i = 0; i < std::size(texts); ++i) {
    CHECK(recent->at(i).text == texts[i]);
    CHECK(recent->at(i).text.size() == texts[i].size());
    CHECK(recent->at(i).user == "Zo\xC3\xAB <b>\"bold\"</b>");
  }
}

TEST_CASE("a duplicate comment id is refused with context and the store keeps working", "[storage]") {
  TempDir dir;
  auto database = open(dir);
  CommentStore store(*database);
  REQUIRE(store.append(comment("cam1", 1, "first")));
  auto duplicate = store.append(comment("cam1", 1, "second"));
  REQUIRE_FALSE(duplicate);
  CHECK(duplicate.error().code == Errc::refused);
  CHECK(duplicate.error().message.rfind("sqlite: insert comment: UNIQUE constraint failed", 0) == 0);

  REQUIRE(store.append(comment("cam1", 2, "third")));
  auto recent = store.recent("cam1", 50);
  REQUIRE(recent);
  REQUIRE(recent->size() == 2);
  CHECK(recent->at(0).text == "first");
  CHECK(recent->at(1).text == "third");
}

TEST_CASE("optional fields are stored as NULL and come back empty", "[storage]") {
  TempDir dir;
  auto database = open(dir);
  CommentStore store(*database);
  StoredComment bot = comment("cam1", 1, "beep");
  bot.bot = true;
  bot.address.reset();
  REQUIRE(store.append(bot));
  auto recent = store.recent("cam1", 1);
  REQUIRE(recent);
  REQUIRE(recent->size() == 1);
  CHECK(recent->at(0).bot);
  CHECK_FALSE(recent->at(0).address);
  CHECK_FALSE(recent->at(0).broadcast_id);
  CHECK_FALSE(recent->at(0).offset_ms);
}

TEST_CASE("a broadcast's comments come back by offset, without deleted ones", "[storage]") {
  TempDir dir;
  auto database = open(dir);
  BroadcastStore broadcasts(*database);
  CommentStore store(*database);
  auto first = broadcasts.begin("cam1", 1'000);
  auto second = broadcasts.begin("cam1", 90'000);
  REQUIRE(first);
  REQUIRE(second);

  const int64_t offsets[] = {5'000, 1'000, 3'000, 2'000};  // ids 1..4, posted out of offset order
  uint64_t id = 0;
  for (int64_t offset : offsets) {
    auto c = comment("cam1", ++id);
    c.broadcast_id = *first;
    c.offset_ms = offset;
    REQUIRE(store.append(c));
  }
  auto other = comment("cam1", ++id);
  other.broadcast_id = *second;
  other.offset_ms = 0;
  REQUIRE(store.append(other));
  REQUIRE(store.remove("cam1", 4));

  auto replay = store.for_broadcast(*first);
  REQUIRE(replay);
  REQUIRE(replay->size() == 3);
  CHECK(replay->at(0).id == 2);
  CHECK(replay->at(1).id == 3);
  CHECK(replay->at(2).id == 1);
  CHECK(replay->at(0).offset_ms == 1'000);
  CHECK(store.for_broadcast(*second).value().size() == 1);
  CHECK(store.for_broadcast(12345).value().empty());
}

TEST_CASE("a comment naming a broadcast that does not exist is refused (foreign keys are on)", "[storage]") {
  TempDir dir;
  auto database = open(dir);
  CommentStore store(*database);
  auto c = comment("cam1", 1);
  c.broadcast_id = 42;
  auto appended = store.append(c);
  REQUIRE_FALSE(appended);
  CHECK(appended.error().code == Errc::refused);
  CHECK(appended.error().message.find("FOREIGN KEY constraint failed") != std::string::npos);
}
