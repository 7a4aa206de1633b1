// Comment storage: one row per comment, keyed (stream, id); deletes only mark the row.
#include "server/storage/comment_store.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace liverelay {
namespace {

constexpr std::string_view kInsertComment =
    "INSERT INTO comments (stream, id, broadcast_id, offset_ms, user, text, ts_ms, bot, address) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
// The newest rows by walking the primary key backwards; recent() turns them oldest first (an
// outer ORDER BY would sort them again in a temporary b-tree).
constexpr std::string_view kRecent =
    "SELECT stream, id, broadcast_id, offset_ms, user, text, ts_ms, bot, address FROM comments "
    "WHERE stream = ?1 AND deleted = 0 ORDER BY id DESC LIMIT ?2";
constexpr std::string_view kLastId = "SELECT COALESCE(MAX(id), 0) FROM comments WHERE stream = ?1";
constexpr std::string_view kRemoveComment =
    "UPDATE comments SET deleted = 1 WHERE stream = ?1 AND id = ?2 AND deleted = 0";
constexpr std::string_view kCommentsOfBroadcast =
    "SELECT stream, id, broadcast_id, offset_ms, user, text, ts_ms, bot, address FROM comments "
    "WHERE broadcast_id = ?1 AND deleted = 0 ORDER BY offset_ms, id";
constexpr std::string_view kCount = "SELECT COUNT(*) FROM comments WHERE stream = ?1 AND deleted = 0";

constexpr auto kMaxId = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());

// Reads a row of kRecent or kCommentsOfBroadcast.
StoredComment read_comment(const Statement& row) {
  StoredComment comment;
  comment.stream = row.column_text(0);
  comment.id = static_cast<uint64_t>(row.column_int64(1));
  comment.broadcast_id = row.column_optional_int64(2);
  comment.offset_ms = row.column_optional_int64(3);
  comment.user = row.column_text(4);
  comment.text = row.column_text(5);
  comment.ts_ms = row.column_int64(6);
  comment.bot = row.column_int64(7) != 0;
  comment.address = row.column_optional_text(8);
  return comment;
}

Result<std::vector<StoredComment>> read_comments(Statement& statement) {
  std::vector<StoredComment> comments;
  for (;;) {
    auto row = statement.step();
    if (!row) return tl::unexpected(std::move(row.error()));
    if (!*row) return comments;
    comments.push_back(read_comment(statement));
  }
}

Result<int64_t> read_single_int64(Statement& statement) {
  auto row = statement.step();
  if (!row) return tl::unexpected(std::move(row.error()));
  if (!*row) return fail(Errc::malformed, fmt::format("sqlite: {}: no row", statement.label()));
  return statement.column_int64(0);
}

}  // namespace

CommentStore::CommentStore(Database& database)
    : database_(database),
      insert_("insert comment", kInsertComment),
      recent_("read recent comments", kRecent),
      last_id_("read last comment id", kLastId),
      remove_("delete comment", kRemoveComment),
      for_broadcast_("read broadcast comments", kCommentsOfBroadcast),
      count_("count comments", kCount) {}

Result<void> CommentStore::append(const StoredComment& comment) {
  if (comment.id > kMaxId) {
    return fail(Errc::over_limit, fmt::format("sqlite: insert comment: id {} over limit", comment.id));
  }
  auto use_insert = insert_.use(database_);
  if (!use_insert) return tl::unexpected(std::move(use_insert.error()));
  Statement& insert = **use_insert;
  insert.bind_text(1, comment.stream)
      .bind_int64(2, static_cast<int64_t>(comment.id))
      .bind_optional(3, comment.broadcast_id)
      .bind_optional(4, comment.offset_ms)
      .bind_text(5, comment.user)
      .bind_text(6, comment.text)
      .bind_int64(7, comment.ts_ms)
      .bind_int64(8, comment.bot ? 1 : 0)
      .bind_optional(9, comment.address);
  return insert.run();
}

Result<std::vector<StoredComment>> CommentStore::recent(std::string_view stream, size_t limit) {
  auto use_select = recent_.use(database_);
  if (!use_select) return tl::unexpected(std::move(use_select.error()));
  Statement& select = **use_select;
  select.bind_text(1, stream).bind_int64(2, static_cast<int64_t>(std::min<uint64_t>(limit, kMaxId)));
  auto newest_first = read_comments(select);
  if (newest_first) std::reverse(newest_first->begin(), newest_first->end());
  return newest_first;
}

Result<uint64_t> CommentStore::last_id(std::string_view stream) {
  auto use_select = last_id_.use(database_);
  if (!use_select) return tl::unexpected(std::move(use_select.error()));
  Statement& select = **use_select;
  select.bind_text(1, stream);
  auto id = read_single_int64(select);
  if (!id) return tl::unexpected(std::move(id.error()));
  return static_cast<uint64_t>(*id);
}

Result<bool> CommentStore::remove(std::string_view stream, uint64_t id) {
  if (id > kMaxId) return false;  // never stored
  auto use_update = remove_.use(database_);
  if (!use_update) return tl::unexpected(std::move(use_update.error()));
  Statement& update = **use_update;
  update.bind_text(1, stream).bind_int64(2, static_cast<int64_t>(id));
  if (auto ran = update.run(); !ran) return tl::unexpected(std::move(ran.error()));
  return database_.changes() > 0;
}

Result<std::vector<StoredComment>> CommentStore::for_broadcast(int64_t broadcast_id) {
  auto use_select = for_broadcast_.use(database_);
  if (!use_select) return tl::unexpected(std::move(use_select.error()));
  Statement& select = **use_select;
  select.bind_int64(1, broadcast_id);
  return read_comments(select);
}

Result<size_t> CommentStore::count(std::string_view stream) {
  auto use_select = count_.use(database_);
  if (!use_select) return tl::unexpected(std::move(use_select.error()));
  Statement& select = **use_select;
  select.bind_text(1, stream);
  auto count = read_single_int64(select);
  if (!count) return tl::unexpected(std::move(count.error()));
  return static_cast<size_t>(*count);
}

}  // namespace liverelay
