// Broadcast storage: rows keyed by an id SQLite assigns (the rowid).
#include "server/storage/broadcast_store.hpp"

namespace liverelay {
namespace {

constexpr std::string_view kInsert = "INSERT INTO broadcasts (stream, started_at_ms) VALUES (?1, ?2)";
constexpr std::string_view kEnd =
    "UPDATE broadcasts SET ended_at_ms = ?2 WHERE id = ?1 AND ended_at_ms IS NULL";
constexpr std::string_view kUpdatePeak =
    "UPDATE broadcasts SET peak_viewers = ?2 WHERE id = ?1 AND peak_viewers < ?2";
constexpr std::string_view kList =
    "SELECT id, stream, started_at_ms, ended_at_ms, peak_viewers FROM broadcasts WHERE stream = ?1 "
    "ORDER BY started_at_ms DESC, id DESC";
// Never before the start, should a clock have stepped back.
constexpr std::string_view kCloseUnfinished =
    "UPDATE broadcasts SET ended_at_ms = MAX(started_at_ms, COALESCE("
    "  (SELECT MAX(ts_ms) FROM comments WHERE comments.broadcast_id = broadcasts.id), ?1)) "
    "WHERE ended_at_ms IS NULL";

}  // namespace

BroadcastStore::BroadcastStore(Database& database)
    : database_(database),
      insert_("insert broadcast", kInsert),
      end_("end broadcast", kEnd),
      update_peak_("update broadcast peak", kUpdatePeak),
      list_("list broadcasts", kList),
      close_unfinished_("close unfinished broadcasts", kCloseUnfinished) {}

Result<int64_t> BroadcastStore::begin(std::string_view stream, int64_t started_at_ms) {
  auto use_insert = insert_.use(database_);
  if (!use_insert) return tl::unexpected(std::move(use_insert.error()));
  Statement& insert = **use_insert;
  insert.bind_text(1, stream).bind_int64(2, started_at_ms);
  if (auto ran = insert.run(); !ran) return tl::unexpected(std::move(ran.error()));
  return database_.last_insert_rowid();
}

Result<bool> BroadcastStore::end(int64_t id, int64_t ended_at_ms) {
  auto use_update = end_.use(database_);
  if (!use_update) return tl::unexpected(std::move(use_update.error()));
  Statement& update = **use_update;
  update.bind_int64(1, id).bind_int64(2, ended_at_ms);
  if (auto ran = update.run(); !ran) return tl::unexpected(std::move(ran.error()));
  return database_.changes() > 0;
}

Result<void> BroadcastStore::update_peak(int64_t id, int64_t viewers) {
  auto use_update = update_peak_.use(database_);
  if (!use_update) return tl::unexpected(std::move(use_update.error()));
  Statement& update = **use_update;
  update.bind_int64(1, id).bind_int64(2, viewers);
  return update.run();
}

Result<std::vector<Broadcast>> BroadcastStore::list(std::string_view stream) {
  auto use_select = list_.use(database_);
  if (!use_select) return tl::unexpected(std::move(use_select.error()));
  Statement& select = **use_select;
  select.bind_text(1, stream);
  std::vector<Broadcast> broadcasts;
  for (;;) {
    auto row = select.step();
    if (!row) return tl::unexpected(std::move(row.error()));
    if (!*row) return broadcasts;
    broadcasts.push_back(Broadcast{select.column_int64(0), select.column_text(1), select.column_int64(2),
                                   select.column_optional_int64(3), select.column_int64(4)});
  }
}

Result<size_t> BroadcastStore::close_unfinished(int64_t now_ms) {
  auto use_update = close_unfinished_.use(database_);
  if (!use_update) return tl::unexpected(std::move(use_update.error()));
  Statement& update = **use_update;
  update.bind_int64(1, now_ms);
  if (auto ran = update.run(); !ran) return tl::unexpected(std::move(ran.error()));
  return static_cast<size_t>(database_.changes());
}

}  // namespace liverelay
