// BroadcastStore: begin, end, peaks, newest-first lists, and closing what a crash left open.
#include "server/storage/broadcast_store.hpp"

#include <catch2/catch.hpp>

#include "server/storage/comment_store.hpp"
#include "server/storage/database.hpp"
#include "server/storage/reaction_store.hpp"
#include "tests/server/storage/temp_dir.hpp"

using namespace liverelay;
using liverelay::testing::TempDir;

TEST_CASE("broadcasts begin, end once, keep their peak and list newest first", "[storage]") {
  TempDir dir;
  auto database = Database::open_in(dir.path());
  REQUIRE(database);
  BroadcastStore broadcasts(**database);

  auto first = broadcasts.begin("cam1", 1'000);
  auto other = broadcasts.begin("cam2", 1'500);
  auto second = broadcasts.begin("cam1", 50'000);
  REQUIRE(first);
  REQUIRE(other);
  REQUIRE(second);
  CHECK(*first != *second);

  CHECK(broadcasts.end(*first, 40'000).value());
  CHECK_FALSE(broadcasts.end(*first, 45'000).value());  // the first end stays
  CHECK_FALSE(broadcasts.end(999, 45'000).value());
  REQUIRE(broadcasts.update_peak(*first, 5));
  REQUIRE(broadcasts.update_peak(*first, 3));  // lower: the peak stays 5
  REQUIRE(broadcasts.update_peak(*second, 2));

  auto list = broadcasts.list("cam1");
  REQUIRE(list);
  REQUIRE(list->size() == 2);
  CHECK(list->at(0) == Broadcast{*second, "cam1", 50'000, std::nullopt, 2, "none", std::nullopt, 0, 0, 0});
  CHECK(list->at(1) == Broadcast{*first, "cam1", 1'000, 40'000, 5, "none", std::nullopt, 0, 0, 0});
  CHECK(broadcasts.list("cam2").value().size() == 1);
  CHECK(broadcasts.list("cam3").value().empty());
}

TEST_CASE("broadcasts a crash left open end at their last comment, or now without one", "[storage]") {
  TempDir dir;
  int64_t with_comments = 0;
  {
    auto database = Database::open_in(dir.path());
    REQUIRE(database);
    BroadcastStore broadcasts(**database);
    CommentStore comments(**database);
    with_comments = broadcasts.begin("cam1", 10'000).value();
    REQUIRE(broadcasts.begin("cam2", 20'000));
    const int64_t finished = broadcasts.begin("cam3", 30'000).value();
    REQUIRE(broadcasts.end(finished, 35'000));
    for (uint64_t id = 1; id <= 3; ++id) {
      StoredComment c{"cam1",
                      id,
                      with_comments,
                      static_cast<int64_t>(id) * 1'000,
                      "Ana",
                      "hi",
                      10'000 + static_cast<int64_t>(id) * 1'000,
                      false,
                      std::nullopt};
      REQUIRE(comments.append(c));
    }
  }  // the process dies here with two broadcasts live

  auto database = Database::open_in(dir.path());
  REQUIRE(database);
  BroadcastStore broadcasts(**database);
  auto closed = broadcasts.close_unfinished(100'000);
  REQUIRE(closed);
  CHECK(*closed == 2);
  CHECK(broadcasts.list("cam1").value().at(0).ended_at_ms == 13'000);
  CHECK(broadcasts.list("cam2").value().at(0).ended_at_ms == 100'000);
  CHECK(broadcasts.list("cam3").value().at(0).ended_at_ms == 35'000);
  CHECK(broadcasts.close_unfinished(200'000).value() == 0);
}

TEST_CASE("deleting a broadcast keeps its comments, detached from it", "[storage]") {
  TempDir dir;
  auto database = Database::open_in(dir.path());
  REQUIRE(database);
  BroadcastStore broadcasts(**database);
  CommentStore comments(**database);
  auto id = broadcasts.begin("cam1", 1'000);
  REQUIRE(id);
  REQUIRE(comments.append(StoredComment{"cam1", 1, *id, 500, "Ana", "hi", 1'500, false, std::nullopt}));
  auto remove = (*database)->prepare("delete broadcast", "DELETE FROM broadcasts WHERE id = ?1");
  REQUIRE(remove);
  REQUIRE(remove->bind_int64(1, *id).run());

  CHECK(comments.for_broadcast(*id).value().empty());
  auto recent = comments.recent("cam1", 10);
  REQUIRE(recent);
  REQUIRE(recent->size() == 1);
  CHECK_FALSE(recent->at(0).broadcast_id);
}

TEST_CASE("broadcasts keep their recording, list their comment count and are removed with their reactions",
          "[storage]") {
  TempDir dir;
  auto database = Database::open_in(dir.path());
  REQUIRE(database);
  BroadcastStore broadcasts(**database);
  CommentStore comments(**database);
  ReactionStore reactions(**database);
  const int64_t first = broadcasts.begin("cam", 1'000).value();
  const int64_t second = broadcasts.begin("cam", 2'000).value();
  REQUIRE(broadcasts.set_recording(first, "recording", "recordings/cam/1"));
  REQUIRE(broadcasts.set_recording(second, "recording", "recordings/cam/2"));
  REQUIRE(broadcasts.end(first, 1'500));
  REQUIRE(broadcasts.close_recording(first, "complete", 480, 12'345));
  for (uint64_t id = 1; id <= 2; ++id) {
    REQUIRE(comments.append(StoredComment{"cam", id, first, 100, "Ana", "hi", 1'100, false, std::nullopt}));
  }
  REQUIRE(comments.remove("cam", 2));
  REQUIRE(reactions.add(first, 0, "like", 2));
  REQUIRE(reactions.add(first, 0, "like", 3));  // the same second and kind add up

  const auto found = broadcasts.find(first).value();
  REQUIRE(found);
  CHECK(*found == Broadcast{first, "cam", 1'000, 1'500, 0, "complete", "recordings/cam/1", 480, 12'345, 1});
  CHECK(reactions.for_broadcast(first).value() == std::vector<StoredReactions>{{0, "like", 5}});
  CHECK_FALSE(broadcasts.find(999).value());
  // Oldest first for retention; the one still recording is the crash's to repair.
  const auto recorded = broadcasts.recorded().value();
  REQUIRE(recorded.size() == 2);
  CHECK(recorded[0].id == first);
  const auto open = broadcasts.unfinished().value();
  REQUIRE(open.size() == 1);
  CHECK(open[0].id == second);

  CHECK(broadcasts.remove(first).value());
  CHECK_FALSE(broadcasts.remove(first).value());
  CHECK_FALSE(broadcasts.find(first).value());
  CHECK(reactions.for_broadcast(first).value().empty());
  // Its comments stay in the room's history, detached from the broadcast.
  CHECK(comments.recent("cam", 10).value().size() == 1);
  CHECK(comments.for_broadcast(first).value().empty());
}
