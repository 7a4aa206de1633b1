// SQLite through its C API: errors become Error values naming the query, nothing throws.
#include "server/storage/database.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <climits>
#include <system_error>

#include "server/logging.hpp"

namespace liverelay {
namespace {

Errc errc_for(int rc) {
  switch (rc & 0xff) {  // the primary code of an extended one
    case SQLITE_CONSTRAINT:
      return Errc::refused;
    case SQLITE_TOOBIG:
    case SQLITE_RANGE:
      return Errc::over_limit;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_MISMATCH:
    case SQLITE_ERROR:
      return Errc::malformed;
    default:
      return Errc::io;
  }
}

// "sqlite: insert comment: UNIQUE constraint failed: comments.stream, comments.id"
Error sqlite_error(int rc, std::string_view label, std::string_view detail) {
  return Error{errc_for(rc), fmt::format("sqlite: {}: {}", label, detail)};
}

Error sqlite_error(sqlite3* db, int rc, std::string_view label) {
  return sqlite_error(rc, label, db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

}  // namespace

// ---- Statement

Statement::Statement(sqlite3_stmt* statement, std::string label)
    : statement_(statement), label_(std::move(label)) {}

Statement::~Statement() {
  sqlite3_finalize(statement_);
}

Statement::Statement(Statement&& other) noexcept
    : statement_(other.statement_),
      label_(std::move(other.label_)),
      bind_error_(std::move(other.bind_error_)) {
  other.statement_ = nullptr;
}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(statement_);
    statement_ = other.statement_;
    label_ = std::move(other.label_);
    bind_error_ = std::move(other.bind_error_);
    other.statement_ = nullptr;
  }
  return *this;
}

void Statement::remember(int rc, int index) {
  if (rc == SQLITE_OK || bind_error_) return;
  bind_error_ = sqlite_error(rc, label_, fmt::format("bind parameter {}: {}", index, sqlite3_errstr(rc)));
}

Statement& Statement::bind_int64(int index, int64_t value) {
  remember(sqlite3_bind_int64(statement_, index, value), index);
  return *this;
}

Statement& Statement::bind_text(int index, std::string_view value) {
  if (value.size() > static_cast<size_t>(INT_MAX)) {
    remember(SQLITE_TOOBIG, index);
    return *this;
  }
  remember(
      sqlite3_bind_text(statement_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT),
      index);
  return *this;
}

Statement& Statement::bind_null(int index) {
  remember(sqlite3_bind_null(statement_, index), index);
  return *this;
}

Statement& Statement::bind_optional(int index, const std::optional<int64_t>& value) {
  return value ? bind_int64(index, *value) : bind_null(index);
}

Statement& Statement::bind_optional(int index, const std::optional<std::string>& value) {
  return value ? bind_text(index, *value) : bind_null(index);
}

Result<bool> Statement::step() {
  if (bind_error_) return tl::unexpected(*bind_error_);
  int rc = sqlite3_step(statement_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) {
    sqlite3_reset(statement_);
    return false;
  }
  Error error = sqlite_error(sqlite3_db_handle(statement_), rc, label_);
  sqlite3_reset(statement_);
  return tl::unexpected(std::move(error));
}

Result<void> Statement::run() {
  auto stepped = step();
  if (!stepped) return tl::unexpected(std::move(stepped.error()));
  if (*stepped) {
    sqlite3_reset(statement_);
    return fail(Errc::malformed, fmt::format("sqlite: {}: returned rows where none were expected", label_));
  }
  return {};
}

void Statement::reset() {
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
  bind_error_.reset();
}

bool Statement::column_is_null(int column) const {
  return sqlite3_column_type(statement_, column) == SQLITE_NULL;
}

int64_t Statement::column_int64(int column) const {
  return sqlite3_column_int64(statement_, column);
}

std::optional<int64_t> Statement::column_optional_int64(int column) const {
  if (column_is_null(column)) return std::nullopt;
  return column_int64(column);
}

std::string Statement::column_text(int column) const {
  // Text first, then its length: sqlite3_column_bytes after sqlite3_column_text is the size of
  // that UTF-8 text (SQLite docs, "Result Values From A Query").
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement_, column));
  if (text == nullptr) return {};
  return std::string(text, static_cast<size_t>(sqlite3_column_bytes(statement_, column)));
}

std::optional<std::string> Statement::column_optional_text(int column) const {
  if (column_is_null(column)) return std::nullopt;
  return column_text(column);
}

// ---- StatementUse, CachedStatement

StatementUse::StatementUse(Statement& statement) : statement_(&statement) {
  statement_->reset();
}

StatementUse::~StatementUse() {
  if (statement_ != nullptr) statement_->reset();
}

Result<StatementUse> CachedStatement::use(Database& database) {
  if (!statement_) {
    auto prepared = database.prepare(label_, sql_, true);
    if (!prepared) return tl::unexpected(std::move(prepared.error()));
    statement_.emplace(std::move(*prepared));
  }
  return StatementUse(*statement_);
}

// ---- Database

Result<std::unique_ptr<Database>> Database::open_in(const std::filesystem::path& data_dir) {
  return open(data_dir / kFileName);
}

Result<std::unique_ptr<Database>> Database::open(const std::filesystem::path& path,
                                                 std::span<const std::string_view> migrations) {
  const std::string where = fmt::format("open {}", path.string());
  if (path != ":memory:" && path.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) {
      return fail(Errc::io, fmt::format("sqlite: {}: create directory {}: {}", where,
                                        path.parent_path().string(), ec.message()));
    }
  }
  sqlite3* db = nullptr;
  // NOMUTEX: one thread uses the connection, so SQLite's own locking is only cost.
  int rc = sqlite3_open_v2(path.c_str(), &db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Error error = sqlite_error(db, rc, where);
    sqlite3_close_v2(db);  // a handle is returned even on failure
    return tl::unexpected(std::move(error));
  }
  std::unique_ptr<Database> database(new Database(db, path));
  if (auto configured = database->configure(where); !configured) return tl::unexpected(configured.error());
  if (auto migrated = database->migrate(where, migrations); !migrated)
    return tl::unexpected(migrated.error());
  return database;
}

Database::~Database() {
  begin_.reset();
  commit_.reset();
  rollback_.reset();
  // v2: if a store outlived us by mistake, the connection closes when its last statement is
  // finalized instead of failing with SQLITE_BUSY and leaking.
  sqlite3_close_v2(db_);
}

Result<void> Database::configure(std::string_view where) {
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, kBusyTimeoutMs);
  // WAL: readers never block the writer, and a commit is one append to the log. NORMAL: fsync
  // only at checkpoints; a power cut may lose the last commits, never corrupt the file.
  // ":memory:" answers "memory" to journal_mode=WAL, which is fine.
  return exec(fmt::format("{}: configure", where),
              "PRAGMA journal_mode = WAL;"
              "PRAGMA synchronous = NORMAL;"
              "PRAGMA foreign_keys = ON;");
}

Result<int64_t> Database::user_version() {
  auto statement = prepare("read user_version", "PRAGMA user_version");
  if (!statement) return tl::unexpected(std::move(statement.error()));
  auto row = statement->step();
  if (!row) return tl::unexpected(std::move(row.error()));
  if (!*row) return fail(Errc::malformed, "sqlite: read user_version: no row");
  return statement->column_int64(0);
}

Result<void> Database::migrate(std::string_view where, std::span<const std::string_view> migrations) {
  auto version = user_version();
  if (!version) return tl::unexpected(std::move(version.error()).context(where));
  const auto known = static_cast<int64_t>(migrations.size());
  if (*version > known) {
    return fail(Errc::unsupported, fmt::format("sqlite: {}: schema version {} is newer than this build's {}",
                                               where, *version, known));
  }
  for (int64_t next = *version; next < known; ++next) {
    const std::string label = fmt::format("{}: migrate to schema {}", where, next + 1);
    auto migrated = transaction(label, [&]() -> Result<void> {
      if (auto applied = exec(label, migrations[static_cast<size_t>(next)]); !applied) return applied;
      // PRAGMA takes no parameters; the number is ours.
      return exec(label, fmt::format("PRAGMA user_version = {}", next + 1));
    });
    if (!migrated) return migrated;
    logger("storage")->info("{}: schema migrated to version {}", path_.string(), next + 1);
  }
  return {};
}

Result<void> Database::exec(std::string_view label, std::string_view sql) {
  const std::string terminated(sql);  // sqlite3_exec wants a C string
  char* message = nullptr;
  int rc = sqlite3_exec(db_, terminated.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return {};
  Error error = sqlite_error(rc, label, message != nullptr ? message : sqlite3_errstr(rc));
  sqlite3_free(message);
  return tl::unexpected(std::move(error));
}

Result<Statement> Database::prepare(std::string_view label, std::string_view sql, bool persistent) {
  if (sql.size() > static_cast<size_t>(INT_MAX)) {
    return fail(Errc::over_limit, fmt::format("sqlite: prepare {}: statement too long", label));
  }
  sqlite3_stmt* statement = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              persistent ? SQLITE_PREPARE_PERSISTENT : 0, &statement, &tail);
  if (rc != SQLITE_OK) return tl::unexpected(sqlite_error(db_, rc, fmt::format("prepare {}", label)));
  if (statement == nullptr)
    return fail(Errc::malformed, fmt::format("sqlite: prepare {}: no statement", label));
  Statement prepared(statement, std::string(label));
  const std::string_view rest(tail, static_cast<size_t>(sql.data() + sql.size() - tail));
  if (rest.find_first_not_of(" \t\r\n;") != std::string_view::npos) {
    return fail(Errc::malformed, fmt::format("sqlite: prepare {}: more than one statement", label));
  }
  return prepared;
}

Result<void> Database::begin(std::string_view label) {
  if (!begin_) {
    // IMMEDIATE takes the write lock now, so a busy database fails here, not half-way through.
    auto prepared = prepare("begin", "BEGIN IMMEDIATE", true);
    if (!prepared) return tl::unexpected(std::move(prepared.error()).context(label));
    begin_.emplace(std::move(*prepared));
  }
  if (auto ran = begin_->run(); !ran) return tl::unexpected(std::move(ran.error()).context(label));
  return {};
}

Result<void> Database::commit(std::string_view label) {
  if (!commit_) {
    auto prepared = prepare("commit", "COMMIT", true);
    if (!prepared) return tl::unexpected(std::move(prepared.error()).context(label));
    commit_.emplace(std::move(*prepared));
  }
  if (auto ran = commit_->run(); !ran) return tl::unexpected(std::move(ran.error()).context(label));
  return {};
}

void Database::rollback() {
  if (sqlite3_get_autocommit(db_) != 0) return;  // SQLite already rolled back (some errors do)
  if (!rollback_) {
    auto prepared = prepare("rollback", "ROLLBACK", true);
    if (!prepared) {
      logger("storage")->error("{}: {}", path_.string(), prepared.error().message);
      return;
    }
    rollback_.emplace(std::move(*prepared));
  }
  if (auto ran = rollback_->run(); !ran)
    logger("storage")->error("{}: {}", path_.string(), ran.error().message);
}

int64_t Database::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(db_);
}

int64_t Database::changes() const {
  return sqlite3_changes64(db_);
}

}  // namespace liverelay
