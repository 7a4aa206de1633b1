// Ban storage: one row per (stream, kind, value).
#include "server/storage/ban_store.hpp"

#include <fmt/format.h>

namespace liverelay {
namespace {

constexpr std::string_view kInsertBan =
    "INSERT INTO bans (stream, kind, value, created_at_ms) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (stream, kind, value) DO NOTHING";
constexpr std::string_view kDelete = "DELETE FROM bans WHERE stream = ?1 AND kind = ?2 AND value = ?3";
constexpr std::string_view kSelectAll =
    "SELECT stream, kind, value, created_at_ms FROM bans ORDER BY stream, kind, value";

}  // namespace

std::string_view to_string(BanKind kind) {
  switch (kind) {
    case BanKind::user:
      return "user";
    case BanKind::address:
      return "address";
  }
  return "user";
}

std::optional<BanKind> parse_ban_kind(std::string_view text) {
  if (text == "user") return BanKind::user;
  if (text == "address") return BanKind::address;
  return std::nullopt;
}

BanStore::BanStore(Database& database)
    : database_(database),
      insert_("insert ban", kInsertBan),
      delete_("delete ban", kDelete),
      select_all_("read bans", kSelectAll) {}

Result<bool> BanStore::add(std::string_view stream, BanKind kind, std::string_view value, int64_t now_ms) {
  auto use_insert = insert_.use(database_);
  if (!use_insert) return tl::unexpected(std::move(use_insert.error()));
  Statement& insert = **use_insert;
  insert.bind_text(1, stream).bind_text(2, to_string(kind)).bind_text(3, value).bind_int64(4, now_ms);
  if (auto ran = insert.run(); !ran) return tl::unexpected(std::move(ran.error()));
  return database_.changes() > 0;
}

Result<bool> BanStore::remove(std::string_view stream, BanKind kind, std::string_view value) {
  auto use_delete = delete_.use(database_);
  if (!use_delete) return tl::unexpected(std::move(use_delete.error()));
  Statement& remove = **use_delete;
  remove.bind_text(1, stream).bind_text(2, to_string(kind)).bind_text(3, value);
  if (auto ran = remove.run(); !ran) return tl::unexpected(std::move(ran.error()));
  return database_.changes() > 0;
}

Result<std::vector<Ban>> BanStore::all() {
  auto use_select = select_all_.use(database_);
  if (!use_select) return tl::unexpected(std::move(use_select.error()));
  Statement& select = **use_select;
  std::vector<Ban> bans;
  for (;;) {
    auto row = select.step();
    if (!row) return tl::unexpected(std::move(row.error()));
    if (!*row) return bans;
    auto kind = parse_ban_kind(select.column_text(1));
    if (!kind) {  // the CHECK constraint keeps these out; a hand-edited file might not
      return fail(Errc::malformed,
                  fmt::format("sqlite: read bans: unknown kind '{}'", select.column_text(1)));
    }
    bans.push_back(Ban{select.column_text(0), *kind, select.column_text(2), select.column_int64(3)});
  }
}

}  // namespace liverelay
