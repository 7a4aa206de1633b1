// Database: opening, pragmas, migrations through user_version, transactions, errors as values.
#include "server/storage/database.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "tests/server/storage/temp_dir.hpp"

using namespace liverelay;
using liverelay::testing::TempDir;

namespace {

std::string text_pragma(Database& database, std::string_view sql) {
  auto statement = database.prepare("read pragma", sql);
  REQUIRE(statement);
  auto row = statement->step();
  REQUIRE(row);
  REQUIRE(*row);
  return statement->column_text(0);
}

int64_t int_query(Database& database, std::string_view sql) {
  auto statement = database.prepare("query", sql);
  REQUIRE(statement);
  auto row = statement->step();
  REQUIRE(row);
  REQUIRE(*row);
  return statement->column_int64(0);
}

}  // namespace

TEST_CASE("a database opens in a data dir that does not exist yet, with WAL and foreign keys on",
          "[storage]") {
  TempDir dir;
  auto database = Database::open_in(dir.path() / "nested" / "data");
  REQUIRE(database);
  CHECK(std::filesystem::is_regular_file(dir.path() / "nested" / "data" / "liverelay.db"));
  CHECK(text_pragma(**database, "PRAGMA journal_mode") == "wal");
  CHECK(int_query(**database, "PRAGMA synchronous") == 1);  // NORMAL
  CHECK(int_query(**database, "PRAGMA foreign_keys") == 1);
  CHECK(int_query(**database, "PRAGMA busy_timeout") == Database::kBusyTimeoutMs);
}

TEST_CASE("the liverelay schema is applied once and reopening leaves user_version alone", "[storage]") {
  TempDir dir;
  const auto expected = static_cast<int64_t>(schema_migrations().size());
  REQUIRE(expected >= 1);
  {
    auto database = Database::open_in(dir.path());
    REQUIRE(database);
    CHECK((*database)->user_version().value() == expected);
    REQUIRE((*database)->exec("seed", "INSERT INTO bans VALUES ('cam1', 'user', 'troll', 1)"));
  }
  auto reopened = Database::open_in(dir.path());
  REQUIRE(reopened);  // would fail with "table broadcasts already exists" if migration 1 ran again
  CHECK((*reopened)->user_version().value() == expected);
  CHECK(int_query(**reopened, "SELECT COUNT(*) FROM bans") == 1);
}

TEST_CASE("an appended migration upgrades an existing database and only that one runs", "[storage]") {
  TempDir dir;
  const auto path = dir.path() / "test.db";
  std::vector<std::string_view> migrations = {"CREATE TABLE a (x INTEGER)"};
  {
    auto database = Database::open(path, migrations);
    REQUIRE(database);
    CHECK((*database)->user_version().value() == 1);
    REQUIRE((*database)->exec("seed", "INSERT INTO a VALUES (7)"));
  }
  migrations.push_back("CREATE TABLE b (y INTEGER); INSERT INTO b SELECT x FROM a");
  auto database = Database::open(path, migrations);
  REQUIRE(database);
  CHECK((*database)->user_version().value() == 2);
  CHECK(int_query(**database, "SELECT y FROM b") == 7);
  CHECK(int_query(**database, "SELECT COUNT(*) FROM a") == 1);
}

TEST_CASE("a failing migration is rolled back whole and names its version", "[storage]") {
  TempDir dir;
  const auto path = dir.path() / "test.db";
  std::vector<std::string_view> migrations = {"CREATE TABLE a (x INTEGER)",
                                              "CREATE TABLE b (y INTEGER); INSERT INTO nowhere VALUES (1)"};
  auto failed = Database::open(path, migrations);
  REQUIRE_FALSE(failed);
  CHECK(failed.error().message.find("migrate to schema 2") != std::string::npos);
  CHECK(failed.error().message.find("no such table: nowhere") != std::string::npos);

  migrations.resize(1);
  auto database = Database::open(path, migrations);
  REQUIRE(database);
  CHECK((*database)->user_version().value() == 1);
  CHECK(int_query(**database, "SELECT COUNT(*) FROM sqlite_schema WHERE name = 'b'") == 0);
}

TEST_CASE("a database from a newer build is refused rather than misread", "[storage]") {
  TempDir dir;
  const auto path = dir.path() / "test.db";
  {
    auto database =
        Database::open(path, std::vector<std::string_view>{"CREATE TABLE a (x)", "CREATE TABLE b (y)"});
    REQUIRE(database);
  }
  auto older = Database::open(path, std::vector<std::string_view>{"CREATE TABLE a (x)"});
  REQUIRE_FALSE(older);
  CHECK(older.error().code == Errc::unsupported);
  CHECK(older.error().message.find("schema version 2 is newer than this build's 1") != std::string::npos);
}

TEST_CASE("opening a database under a regular file returns an error naming the path", "[storage]") {
  TempDir dir;
  const auto file = dir.path() / "not-a-dir";
  std::ofstream(file) << "x";
  auto database = Database::open_in(file);
  REQUIRE_FALSE(database);
  CHECK(database.error().code == Errc::io);
  CHECK(database.error().message.rfind("sqlite: open " + (file / "liverelay.db").string() + ": ", 0) == 0);
}

TEST_CASE("opening a file that is not a database returns an error, not an exception", "[storage]") {
  TempDir dir;
  const auto path = dir.path() / "liverelay.db";
  std::ofstream(path) << std::string(4096, 'g');
  auto database = Database::open(path);
  REQUIRE_FALSE(database);
  CHECK(database.error().code == Errc::malformed);
  CHECK(database.error().message.find("file is not a database") != std::string::npos);
  CHECK(database.error().message.find(path.string()) != std::string::npos);
}

TEST_CASE("a transaction commits on success and rolls back on an error", "[storage]") {
  TempDir dir;
  auto database = Database::open(dir.path() / "test.db", std::vector<std::string_view>{"CREATE TABLE a (x)"});
  REQUIRE(database);
  Database& db = **database;

  auto committed = db.transaction("two rows", [&]() -> Result<int> {
    if (auto r = db.exec("insert", "INSERT INTO a VALUES (1)"); !r) return tl::unexpected(r.error());
    if (auto r = db.exec("insert", "INSERT INTO a VALUES (2)"); !r) return tl::unexpected(r.error());
    return 2;
  });
  REQUIRE(committed);
  CHECK(*committed == 2);

  auto rolled_back = db.transaction("half", [&]() -> Result<void> {
    if (auto r = db.exec("insert", "INSERT INTO a VALUES (3)"); !r) return r;
    return fail(Errc::refused, "changed my mind");
  });
  REQUIRE_FALSE(rolled_back);
  CHECK(rolled_back.error().message == "changed my mind");
  CHECK(int_query(db, "SELECT COUNT(*) FROM a") == 2);

  // The connection is usable again: the rollback ended the transaction.
  CHECK(db.transaction("again", [&] { return db.exec("insert", "INSERT INTO a VALUES (4)"); }));
  CHECK(int_query(db, "SELECT COUNT(*) FROM a") == 3);
}

TEST_CASE("a statement reports a bad bind at step with the query's label", "[storage]") {
  auto database = Database::open(":memory:", std::vector<std::string_view>{"CREATE TABLE a (x)"});
  REQUIRE(database);
  auto insert = (*database)->prepare("insert a", "INSERT INTO a VALUES (?1)");
  REQUIRE(insert);
  insert->bind_int64(2, 5);  // there is no parameter 2
  auto ran = insert->run();
  REQUIRE_FALSE(ran);
  CHECK(ran.error().code == Errc::over_limit);
  CHECK(ran.error().message.rfind("sqlite: insert a: bind parameter 2: ", 0) == 0);

  insert->reset();
  CHECK(insert->bind_int64(1, 5).run());
  CHECK(int_query(**database, "SELECT x FROM a") == 5);
}

TEST_CASE("preparing bad SQL returns an error with SQLite's message", "[storage]") {
  auto database = Database::open(":memory:", std::vector<std::string_view>{});
  REQUIRE(database);
  auto statement = (*database)->prepare("broken", "SELEC 1");
  REQUIRE_FALSE(statement);
  CHECK(statement.error().message.rfind("sqlite: prepare broken: ", 0) == 0);
  CHECK(statement.error().message.find("syntax error") != std::string::npos);
  CHECK_FALSE((*database)->prepare("two", "SELECT 1; SELECT 2"));
}
