// Reactions on disk, for replays: counted per broadcast, per second from its start, per kind.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/core/error.hpp"
#include "server/storage/database.hpp"

namespace liverelay {

struct StoredReactions {
  int64_t second = 0;  // from the broadcast's start
  std::string kind;    // "like", "love", ...
  int64_t count = 0;

  bool operator==(const StoredReactions&) const = default;
};

class ReactionStore {
 public:
  explicit ReactionStore(Database& database);

  // Adds `count` to that second's tally of `kind`.
  Result<void> add(int64_t broadcast_id, int64_t second, std::string_view kind, int64_t count);
  // A broadcast's tallies by second, then kind.
  Result<std::vector<StoredReactions>> for_broadcast(int64_t broadcast_id);

 private:
  Database& database_;
  CachedStatement add_;
  CachedStatement for_broadcast_;
};

}  // namespace liverelay
