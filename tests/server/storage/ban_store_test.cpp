// BanStore: bans by user and by address, per stream, kept across restarts.
#include "server/storage/ban_store.hpp"

#include <catch2/catch.hpp>

#include "server/storage/database.hpp"
#include "tests/server/storage/temp_dir.hpp"

using namespace liverelay;
using liverelay::testing::TempDir;

TEST_CASE("bans are added once, listed and removed", "[storage]") {
  TempDir dir;
  auto database = Database::open_in(dir.path());
  REQUIRE(database);
  BanStore bans(**database);
  CHECK(bans.all().value().empty());

  CHECK(bans.add("cam1", BanKind::user, "troll", 1'000).value());
  CHECK(bans.add("cam1", BanKind::address, "198.51.100.9", 2'000).value());
  CHECK(bans.add("cam2", BanKind::user, "troll", 3'000).value());
  CHECK(bans.add("cam1", BanKind::address, "troll", 4'000).value());     // same value, other kind
  CHECK_FALSE(bans.add("cam1", BanKind::user, "troll", 5'000).value());  // already banned

  auto all = bans.all();
  REQUIRE(all);
  REQUIRE(all->size() == 4);
  CHECK(all->at(0) == Ban{"cam1", BanKind::address, "198.51.100.9", 2'000});
  CHECK(all->at(1) == Ban{"cam1", BanKind::address, "troll", 4'000});
  CHECK(all->at(2) == Ban{"cam1", BanKind::user, "troll", 1'000});  // the first ban's time stays
  CHECK(all->at(3) == Ban{"cam2", BanKind::user, "troll", 3'000});

  CHECK(bans.remove("cam1", BanKind::user, "troll").value());
  CHECK_FALSE(bans.remove("cam1", BanKind::user, "troll").value());
  CHECK_FALSE(bans.remove("cam3", BanKind::address, "198.51.100.9").value());
  all = bans.all();
  REQUIRE(all);
  REQUIRE(all->size() == 3);
  CHECK(all->at(2) == Ban{"cam2", BanKind::user, "troll", 3'000});
}

TEST_CASE("bans survive reopening the database", "[storage]") {
  TempDir dir;
  {
    auto database = Database::open_in(dir.path());
    REQUIRE(database);
    BanStore bans(**database);
    REQUIRE(bans.add("cam1", BanKind::user, "Zo\xC3\xAB \"x\"", 1'000));
  }
  auto database = Database::open_in(dir.path());
  REQUIRE(database);
  BanStore bans(**database);
  auto all = bans.all();
  REQUIRE(all);
  REQUIRE(all->size() == 1);
  CHECK(all->at(0) == Ban{"cam1", BanKind::user, "Zo\xC3\xAB \"x\"", 1'000});
}

TEST_CASE("ban kinds read and write as the names the schema checks", "[storage]") {
  CHECK(to_string(BanKind::user) == "user");
  CHECK(to_string(BanKind::address) == "address");
  CHECK(parse_ban_kind("address") == BanKind::address);
  CHECK(parse_ban_kind("user") == BanKind::user);
  CHECK_FALSE(parse_ban_kind("ip"));
}
