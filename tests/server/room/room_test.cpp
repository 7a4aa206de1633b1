// Room logic with members that record what they are sent, on a real (in-memory) SQLite.
#include "server/room/room.hpp"

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/storage/database.hpp"

using namespace liverelay;

namespace {

class RecordingMember final : public RoomMember {
 public:
  explicit RecordingMember(std::string address = "203.0.113.7", std::string user_agent = "test")
      : RoomMember(std::move(address), std::move(user_agent), RoomLimits{}) {}
  void send(const SharedRoomMessage& message) override { received.push_back(nlohmann::json::parse(message->json())); }
  void disconnect(uint16_t code, std::string_view) override { close_code = code; }

  std::vector<nlohmann::json> of_type(std::string_view type) const {
    std::vector<nlohmann::json> out;
    for (const auto& m : received) {
      if (m["type"] == type) out.push_back(m);
    }
    return out;
  }

  std::vector<nlohmann::json> received;
  uint16_t close_code = 0;
};

struct Fixture {
  std::unique_ptr<Database> database = std::move(*Database::open(":memory:"));
  CommentStore comments{*database};
  BanStore bans{*database};
  BroadcastStore broadcasts{*database};
  ReactionStore reactions{*database};
  std::optional<BroadcastRef> live_broadcast;  // what the stream side says is live
  RoomContext context{comments, bans, broadcasts, reactions, RoomLimits{}, "admin-token-0123456789",
                      {{"Helpdesk", "bot-token-0123456789"}},
                      [this](const std::string&) { return live_broadcast; }};
};

}  // namespace

TEST_CASE("room: comments reach every member in order with increasing ids; history on join", "[room]") {
  Fixture f;
  Room room("cam", f.context);
  RecordingMember ana, bo;
  room.join(ana);
  room.join(bo);
  room.on_text(ana, R"({"type":"hello","user":"Ana"})", 1000);
  room.on_text(ana, R"({"type":"comment","text":"  one  "})", 1000);
  room.on_text(bo, R"({"type":"comment","text":"two"})", 1001);
  for (const auto* member : {&ana, &bo}) {
    const auto comments = member->of_type("comment");
    REQUIRE(comments.size() == 2);
    CHECK(comments[0]["text"] == "one");
    CHECK(comments[0]["user"] == "Ana");
    CHECK(comments[1]["id"].get<uint64_t>() == comments[0]["id"].get<uint64_t>() + 1);
  }
  RecordingMember late;
  room.join(late);
  REQUIRE(late.received.front()["type"] == "history");
  CHECK(late.received.front()["comments"].size() == 2);
  CHECK(room.comment_count() == 2);
}

TEST_CASE("room: a flood is rate limited, then the member is disconnected for abuse", "[room]") {
  Fixture f;
  Room room("cam", f.context);
  RecordingMember flooder;
  room.join(flooder);
  for (int i = 0; i < 30 && flooder.close_code == 0; ++i) {
    room.on_text(flooder, R"({"type":"comment","text":"spam"})", 5000);
  }
  CHECK(flooder.of_type("comment").size() == 5);  // the burst
  CHECK_FALSE(flooder.of_type("error").empty());
  CHECK(flooder.of_type("error")[0]["code"] == "rate_limited");
  CHECK(flooder.close_code == 1008);
}

TEST_CASE("room: viewer counts and reactions go out coalesced, only when they change", "[room]") {
  Fixture f;
  Room room("cam", f.context);
  RecordingMember a, b;
  room.join(a);
  room.flush(0, 0);
  room.flush(0, 250);
  CHECK(a.of_type("viewers").size() == 1);
  room.join(b);
  room.on_text(a, R"({"type":"reaction","kind":"like"})", 300);
  room.on_text(b, R"({"type":"reaction","kind":"like"})", 300);
  room.flush(3, 500);  // three HLS-only players too
  CHECK(a.of_type("viewers").back()["count"] == 5);
  CHECK(a.of_type("reactions").size() == 1);
  CHECK(a.of_type("reactions").back()["counts"]["like"] == 2);
  CHECK(room.peak_viewers() == 5);
  room.leave(b);
  room.flush(0, 750);
  CHECK(a.of_type("viewers").back()["count"] == 1);
}

TEST_CASE("room: moderation needs the admin token; bans stop posting; bots post as their name", "[room]") {
  Fixture f;
  Room room("cam", f.context);
  RecordingMember viewer, moderator, troll("198.51.100.9"), bot;
  for (auto* m : {&viewer, &moderator, &troll, &bot}) room.join(*m);
  room.on_text(viewer, R"({"type":"comment","text":"hello"})", 1000);
  const uint64_t id = viewer.of_type("comment").back()["id"];
  room.on_text(moderator, R"({"type":"delete","id":)" + std::to_string(id) + "}", 1001);
  CHECK(moderator.of_type("error").back()["code"] == "forbidden");
  room.on_text(moderator, R"({"type":"auth","token":"admin-token-0123456789"})", 1002);
  room.on_text(moderator, R"({"type":"delete","id":)" + std::to_string(id) + "}", 1003);
  CHECK(viewer.of_type("delete").back()["id"] == id);
  room.on_text(moderator, R"({"type":"ban","address":"198.51.100.9"})", 1004);
  room.on_text(troll, R"({"type":"comment","text":"spam"})", 1005);
  CHECK(troll.of_type("error").back()["code"] == "banned");
  room.on_text(bot, R"({"type":"auth","token":"bot-token-0123456789"})", 1006);
  room.on_text(bot, R"({"type":"comment","text":"How can I help?"})", 1007);
  const auto answer = viewer.of_type("comment").back();
  CHECK(answer["user"] == "Helpdesk");
  CHECK(answer["bot"] == true);
  RecordingMember late;
  room.join(late);
  CHECK(late.received.front()["comments"].size() == 1);  // the deleted comment is gone
}

TEST_CASE("room: comments and reactions point at the stream's broadcast with offsets from its start", "[room]") {
  Fixture f;
  Room room("cam", f.context);
  RecordingMember viewer;
  room.join(viewer);
  room.on_text(viewer, R"({"type":"comment","text":"before"})", 5'000);
  const int64_t id = f.broadcasts.begin("cam", 10'000).value();
  f.live_broadcast = BroadcastRef{id, 10'000};
  room.set_live(true);
  CHECK(viewer.of_type("state").back()["live"] == true);
  room.on_text(viewer, R"({"type":"comment","text":"at ten seconds"})", 20'000);
  room.on_text(viewer, R"({"type":"reaction","kind":"like"})", 20'100);
  room.on_text(viewer, R"({"type":"reaction","kind":"like"})", 20'900);
  room.on_text(viewer, R"({"type":"reaction","kind":"wow"})", 21'000);
  room.flush(2, 21'100);  // three viewers: the broadcast's peak
  room.set_live(false);
  CHECK(viewer.of_type("state").back()["live"] == false);
  f.live_broadcast.reset();
  room.flush(9, 22'000);  // after the broadcast: not its peak
  auto comments = f.comments.for_broadcast(id);
  REQUIRE(comments);
  REQUIRE(comments->size() == 1);
  CHECK((*comments)[0].text == "at ten seconds");
  CHECK((*comments)[0].offset_ms == 10'000);
  CHECK(f.reactions.for_broadcast(id).value() ==
        std::vector<StoredReactions>{{10, "like", 2}, {11, "wow", 1}});
  CHECK(f.broadcasts.find(id).value()->peak_viewers == 3);
  CHECK(f.broadcasts.find(id).value()->comments == 1);
}

TEST_CASE("room: watch time integrates the viewer count between flushes", "[room]") {
  Fixture f;
  Room room("cam", f.context);
  RecordingMember ana, bo;
  room.flush(0, 1'000);
  room.join(ana);
  room.join(bo);
  room.flush(0, 1'250);  // nobody was watching before this flush
  CHECK(room.watch_time_s() == 0.0);
  for (int64_t t = 1'500; t <= 11'250; t += 250) room.flush(0, t);  // two viewers for 10 s
  CHECK(room.watch_time_s() == Approx(20.0));
  room.leave(bo);
  room.flush(4, 11'500);  // one member and four HLS-only players from here
  room.flush(4, 12'500);
  CHECK(room.watch_time_s() == Approx(20.5 + 5.0));
  room.flush(4, 3'000'000);  // a wall-clock step counts as nothing
  room.flush(4, 2'000'000);
  CHECK(room.watch_time_s() == Approx(25.5));
}

TEST_CASE("room: comments posted only grow; a deletion lowers the stored count alone", "[room]") {
  Fixture f;
  Room room("cam", f.context);
  RecordingMember ana;
  room.join(ana);
  room.on_text(ana, R"({"type":"comment","text":"one"})", 1000);
  room.on_text(ana, R"({"type":"comment","text":"two"})", 1001);
  const uint64_t first = ana.of_type("comment").front()["id"];
  REQUIRE(room.delete_comment(first));
  CHECK(room.comment_count() == 1);
  CHECK(room.comments_posted() == 2);
  Room reopened("cam", f.context);  // after a restart: what storage holds
  CHECK(reopened.comments_posted() == 1);
}
