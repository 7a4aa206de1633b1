// Broadcast storage: rows keyed by an id SQLite assigns (the rowid).
#include "server/storage/broadcast_store.hpp"

namespace liverelay {
namespace {

constexpr std::string_view kInsertBroadcast =
    "INSERT INTO broadcasts (stream, started_at_ms) VALUES (?1, ?2)";
constexpr std::string_view kEnd =
    "UPDATE broadcasts SET ended_at_ms = ?2 WHERE id = ?1 AND ended_at_ms IS NULL";
constexpr std::string_view kUpdatePeak =
    "UPDATE broadcasts SET peak_viewers = ?2 WHERE id = ?1 AND peak_viewers < ?2";
constexpr std::string_view kSetRecording =
    "UPDATE broadcasts SET recording = ?2, recording_path = ?3 WHERE id = ?1";
constexpr std::string_view kCloseRecording =
    "UPDATE broadcasts SET recording = ?2, duration_ms = ?3, bytes = ?4 WHERE id = ?1";
// The comment count comes from the comments_by_broadcast index.
#define LIVERELAY_BROADCAST_COLUMNS                                                             \
  "SELECT id, stream, started_at_ms, ended_at_ms, peak_viewers, recording, recording_path, "    \
  "duration_ms, bytes, (SELECT COUNT(*) FROM comments WHERE comments.broadcast_id = broadcasts.id " \
  "AND deleted = 0) FROM broadcasts "
constexpr std::string_view kList =
    LIVERELAY_BROADCAST_COLUMNS "WHERE stream = ?1 ORDER BY started_at_ms DESC, id DESC";
constexpr std::string_view kFind = LIVERELAY_BROADCAST_COLUMNS "WHERE id = ?1";
constexpr std::string_view kRecorded =
    LIVERELAY_BROADCAST_COLUMNS "WHERE recording_path IS NOT NULL ORDER BY started_at_ms, id";
constexpr std::string_view kUnfinished = LIVERELAY_BROADCAST_COLUMNS
    "WHERE ended_at_ms IS NULL OR recording = 'recording' ORDER BY started_at_ms, id";
#undef LIVERELAY_BROADCAST_COLUMNS
constexpr std::string_view kRemoveBroadcast = "DELETE FROM broadcasts WHERE id = ?1";
// Never before the start, should a clock have stepped back.
constexpr std::string_view kCloseUnfinished =
    "UPDATE broadcasts SET ended_at_ms = MAX(started_at_ms, COALESCE("
    "  (SELECT MAX(ts_ms) FROM comments WHERE comments.broadcast_id = broadcasts.id), ?1)) "
    "WHERE ended_at_ms IS NULL";

Broadcast read_broadcast(const Statement& row) {
  Broadcast broadcast;
  broadcast.id = row.column_int64(0);
  broadcast.stream = row.column_text(1);
  broadcast.started_at_ms = row.column_int64(2);
  broadcast.ended_at_ms = row.column_optional_int64(3);
  broadcast.peak_viewers = row.column_int64(4);
  broadcast.recording = row.column_text(5);
  broadcast.recording_path = row.column_optional_text(6);
  broadcast.duration_ms = row.column_int64(7);
  broadcast.bytes = row.column_int64(8);
  broadcast.comments = row.column_int64(9);
  return broadcast;
}

}  // namespace

BroadcastStore::BroadcastStore(Database& database)
    : database_(database),
      insert_("insert broadcast", kInsertBroadcast),
      end_("end broadcast", kEnd),
      update_peak_("update broadcast peak", kUpdatePeak),
      set_recording_("set broadcast recording", kSetRecording),
      close_recording_("close broadcast recording", kCloseRecording),
      list_("list broadcasts", kList),
      find_("find broadcast", kFind),
      recorded_("list recorded broadcasts", kRecorded),
      unfinished_("list unfinished broadcasts", kUnfinished),
      remove_("delete broadcast", kRemoveBroadcast),
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

Result<void> BroadcastStore::set_recording(int64_t id, std::string_view state, std::string_view path) {
  auto use_update = set_recording_.use(database_);
  if (!use_update) return tl::unexpected(std::move(use_update.error()));
  Statement& update = **use_update;
  update.bind_int64(1, id).bind_text(2, state).bind_text(3, path);
  return update.run();
}

Result<void> BroadcastStore::close_recording(int64_t id, std::string_view state, int64_t duration_ms,
                                             int64_t bytes) {
  auto use_update = close_recording_.use(database_);
  if (!use_update) return tl::unexpected(std::move(use_update.error()));
  Statement& update = **use_update;
  update.bind_int64(1, id).bind_text(2, state).bind_int64(3, duration_ms).bind_int64(4, bytes);
  return update.run();
}

Result<std::vector<Broadcast>> BroadcastStore::read_all(CachedStatement& cached, std::optional<int64_t> key,
                                                        std::optional<std::string_view> stream) {
  auto use_select = cached.use(database_);
  if (!use_select) return tl::unexpected(std::move(use_select.error()));
  Statement& select = **use_select;
  if (key) select.bind_int64(1, *key);
  if (stream) select.bind_text(1, *stream);
  std::vector<Broadcast> broadcasts;
  for (;;) {
    auto row = select.step();
    if (!row) return tl::unexpected(std::move(row.error()));
    if (!*row) return broadcasts;
    broadcasts.push_back(read_broadcast(select));
  }
}

Result<std::vector<Broadcast>> BroadcastStore::list(std::string_view stream) {
  return read_all(list_, std::nullopt, stream);
}

Result<std::optional<Broadcast>> BroadcastStore::find(int64_t id) {
  auto found = read_all(find_, id, std::nullopt);
  if (!found) return tl::unexpected(std::move(found.error()));
  if (found->empty()) return std::optional<Broadcast>{};
  return std::optional<Broadcast>{std::move(found->front())};
}

Result<std::vector<Broadcast>> BroadcastStore::recorded() { return read_all(recorded_, std::nullopt, std::nullopt); }

Result<std::vector<Broadcast>> BroadcastStore::unfinished() {
  return read_all(unfinished_, std::nullopt, std::nullopt);
}

Result<bool> BroadcastStore::remove(int64_t id) {
  auto use_delete = remove_.use(database_);
  if (!use_delete) return tl::unexpected(std::move(use_delete.error()));
  Statement& remove = **use_delete;
  remove.bind_int64(1, id);
  if (auto ran = remove.run(); !ran) return tl::unexpected(std::move(ran.error()));
  return database_.changes() > 0;
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
