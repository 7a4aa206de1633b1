// Bans on disk: a user name or an address that may no longer post in a stream's room.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/core/error.hpp"
#include "server/storage/database.hpp"

namespace liverelay {

enum class BanKind { user, address };

std::string_view to_string(BanKind kind);                      // "user", "address"
std::optional<BanKind> parse_ban_kind(std::string_view text);  // the inverse; nullopt otherwise

struct Ban {
  std::string stream;
  BanKind kind = BanKind::user;
  std::string value;  // the user name or the address
  int64_t created_at_ms = 0;

  bool operator==(const Ban&) const = default;
};

// The room loads all() at start and keeps them in memory; add and remove write through.
class BanStore {
 public:
  explicit BanStore(Database& database);

  // true when new; banning again keeps the first ban and its time.
  Result<bool> add(std::string_view stream, BanKind kind, std::string_view value, int64_t now_ms);
  // true when there was such a ban.
  Result<bool> remove(std::string_view stream, BanKind kind, std::string_view value);
  // Every ban of every stream, by stream, kind, value.
  Result<std::vector<Ban>> all();

 private:
  Database& database_;
  CachedStatement insert_;
  CachedStatement delete_;
  CachedStatement select_all_;
};

}  // namespace liverelay
