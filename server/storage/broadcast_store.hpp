// Broadcasts on disk: one row per publish session of a stream, the index of its replays.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/core/error.hpp"
#include "server/storage/database.hpp"

namespace liverelay {

struct Broadcast {
  int64_t id = 0;
  std::string stream;
  int64_t started_at_ms = 0;           // ms since epoch
  std::optional<int64_t> ended_at_ms;  // nullopt while live
  int64_t peak_viewers = 0;

  bool operator==(const Broadcast&) const = default;
};

class BroadcastStore {
 public:
  explicit BroadcastStore(Database& database);

  // A new live broadcast; returns its id.
  Result<int64_t> begin(std::string_view stream, int64_t started_at_ms);
  // false when there is no such broadcast or it had already ended (the first end stays).
  Result<bool> end(int64_t id, int64_t ended_at_ms);
  // Raises the peak to `viewers` if that is higher.
  Result<void> update_peak(int64_t id, int64_t viewers);
  // A stream's broadcasts, newest first.
  Result<std::vector<Broadcast>> list(std::string_view stream);
  // At start, before anything goes live: broadcasts a crash left open end at their last
  // comment's time, or `now_ms` when they have none. Returns how many.
  Result<size_t> close_unfinished(int64_t now_ms);

 private:
  Database& database_;
  CachedStatement insert_;
  CachedStatement end_;
  CachedStatement update_peak_;
  CachedStatement list_;
  CachedStatement close_unfinished_;
};

}  // namespace liverelay
