// Reaction storage: one row per (broadcast, second, kind), upserted as the room flushes.
#include "server/storage/reaction_store.hpp"

namespace liverelay {
namespace {

constexpr std::string_view kAdd =
    "INSERT INTO reactions (broadcast_id, second, kind, count) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (broadcast_id, second, kind) DO UPDATE SET count = count + excluded.count";
constexpr std::string_view kReactionsOfBroadcast =
    "SELECT second, kind, count FROM reactions WHERE broadcast_id = ?1 ORDER BY second, kind";

}  // namespace

ReactionStore::ReactionStore(Database& database)
    : database_(database),
      add_("add reactions", kAdd),
      for_broadcast_("read broadcast reactions", kReactionsOfBroadcast) {}

Result<void> ReactionStore::add(int64_t broadcast_id, int64_t second, std::string_view kind, int64_t count) {
  auto use_insert = add_.use(database_);
  if (!use_insert) return tl::unexpected(std::move(use_insert.error()));
  Statement& insert = **use_insert;
  insert.bind_int64(1, broadcast_id).bind_int64(2, second).bind_text(3, kind).bind_int64(4, count);
  return insert.run();
}

Result<std::vector<StoredReactions>> ReactionStore::for_broadcast(int64_t broadcast_id) {
  auto use_select = for_broadcast_.use(database_);
  if (!use_select) return tl::unexpected(std::move(use_select.error()));
  Statement& select = **use_select;
  select.bind_int64(1, broadcast_id);
  std::vector<StoredReactions> out;
  for (;;) {
    auto row = select.step();
    if (!row) return tl::unexpected(std::move(row.error()));
    if (!*row) return out;
    out.push_back(StoredReactions{select.column_int64(0), select.column_text(1), select.column_int64(2)});
  }
}

}  // namespace liverelay
