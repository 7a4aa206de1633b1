// The embedded SQLite database: one connection, prepared statements, transactions, migrations.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "protocol/core/error.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace liverelay {

// A prepared statement, finalized on destruction. Binds are chained and remember their first
// error, which step() returns, so a call site reads as bind, bind, bind, step. Parameters are
// 1-based and columns 0-based, as in SQLite.
class Statement {
 public:
  Statement(sqlite3_stmt* statement, std::string label);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind_int64(int index, int64_t value);
  Statement& bind_text(int index, std::string_view value);  // copied: the view may die before step()
  Statement& bind_null(int index);
  Statement& bind_optional(int index, const std::optional<int64_t>& value);
  Statement& bind_optional(int index, const std::optional<std::string>& value);

  // true: a row is ready for the column getters; false: done. Done and errors reset the
  // statement (bindings stay), so it never holds a read snapshot open.
  Result<bool> step();
  // Steps a statement that returns no rows (INSERT, UPDATE, DELETE).
  Result<void> run();
  // Back to before the first step, bindings cleared.
  void reset();

  bool column_is_null(int column) const;
  int64_t column_int64(int column) const;
  std::optional<int64_t> column_optional_int64(int column) const;
  std::string column_text(int column) const;  // byte-exact, NULs included; "" for NULL
  std::optional<std::string> column_optional_text(int column) const;

  const std::string& label() const { return label_; }

 private:
  void remember(int rc, int index);

  sqlite3_stmt* statement_;
  std::string label_;  // names the query in errors: "sqlite: insert comment: disk I/O error"
  std::optional<Error> bind_error_;
};

class Database;

// One use of a cached statement: it starts with no bindings and is reset when the use ends,
// whatever path the caller leaves by.
class StatementUse {
 public:
  explicit StatementUse(Statement& statement);
  ~StatementUse();
  StatementUse(StatementUse&& other) noexcept : statement_(other.statement_) { other.statement_ = nullptr; }
  StatementUse(const StatementUse&) = delete;
  StatementUse& operator=(const StatementUse&) = delete;
  StatementUse& operator=(StatementUse&&) = delete;

  Statement* operator->() const { return statement_; }
  Statement& operator*() const { return *statement_; }

 private:
  Statement* statement_;
};

// A statement a store prepares on its first use and keeps, so a query then costs bind + step.
class CachedStatement {
 public:
  // `sql` must outlive the cache (a string literal).
  CachedStatement(std::string_view label, std::string_view sql) : label_(label), sql_(sql) {}

  Result<StatementUse> use(Database& database);

 private:
  std::string_view label_;
  std::string_view sql_;
  std::optional<Statement> statement_;
};

// The liverelay schema, one SQL script per version: migration i takes user_version i to i + 1.
// Append new migrations; never edit one that has shipped.
std::span<const std::string_view> schema_migrations();

// One SQLite connection, used on one thread (the server's loop). Stores hold a reference to it
// and must be destroyed before it.
class Database {
 public:
  static constexpr std::string_view kFileName = "liverelay.db";
  // Waiting on a lock blocks the caller's loop: only another process (an operator's sqlite3
  // shell, a backup) takes one, so wait a little, then fail.
  static constexpr int kBusyTimeoutMs = 1000;

  // Opens `<data_dir>/liverelay.db`, creating the directories and the file, and migrates it.
  static Result<std::unique_ptr<Database>> open_in(const std::filesystem::path& data_dir);
  // Opens the file `path` (":memory:" for a private in-memory database) and applies
  // `migrations` past its user_version.
  static Result<std::unique_ptr<Database>> open(
      const std::filesystem::path& path, std::span<const std::string_view> migrations = schema_migrations());

  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more SQL statements that return nothing the caller needs.
  Result<void> exec(std::string_view label, std::string_view sql);
  Result<Statement> prepare(std::string_view label, std::string_view sql, bool persistent = false);

  // Runs `body` (returning Result<T>) inside BEGIN IMMEDIATE ... COMMIT; rolls back when it
  // returns an error or throws. Not nestable.
  template <class Body>
  std::invoke_result_t<Body&> transaction(std::string_view label, Body&& body);

  Result<int64_t> user_version();
  int64_t last_insert_rowid() const;
  int64_t changes() const;  // rows changed by the last INSERT, UPDATE or DELETE
  const std::filesystem::path& path() const { return path_; }

 private:
  Database(sqlite3* db, std::filesystem::path path) : db_(db), path_(std::move(path)) {}
  Result<void> configure(std::string_view where);
  Result<void> migrate(std::string_view where, std::span<const std::string_view> migrations);
  Result<void> begin(std::string_view label);
  Result<void> commit(std::string_view label);
  void rollback();

  sqlite3* db_;
  std::filesystem::path path_;
  std::optional<Statement> begin_;
  std::optional<Statement> commit_;
  std::optional<Statement> rollback_;
};

template <class Body>
std::invoke_result_t<Body&> Database::transaction(std::string_view label, Body&& body) {
  if (auto begun = begin(label); !begun) return tl::unexpected(std::move(begun.error()));
  struct RollbackUnlessCommitted {
    Database* database;
    bool committed = false;
    ~RollbackUnlessCommitted() {
      if (!committed) database->rollback();
    }
  } guard{this};
  auto result = body();
  if (!result) return result;
  if (auto committed = commit(label); !committed) return tl::unexpected(std::move(committed.error()));
  guard.committed = true;
  return result;
}

}  // namespace liverelay
