// Live comments on disk: appended as they are posted, read back for history, replays and stats.
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

struct StoredComment {
  std::string stream;
  uint64_t id = 0;                      // assigned by the room, increasing within a stream
  std::optional<int64_t> broadcast_id;  // the broadcast live when it was posted
  std::optional<int64_t> offset_ms;     // from that broadcast's start, for replays
  std::string user;
  std::string text;   // as the user wrote it, byte for byte
  int64_t ts_ms = 0;  // ms since epoch
  bool bot = false;
  std::optional<std::string> address;  // the poster's address, for bans; never shown to viewers

  bool operator==(const StoredComment&) const = default;
};

// Statements are prepared on first use and kept. Every call runs on the caller's thread.
class CommentStore {
 public:
  explicit CommentStore(Database& database);

  // Errc::refused when the stream already has a comment with this id.
  Result<void> append(const StoredComment& comment);
  // The newest `limit` comments not deleted, oldest first.
  Result<std::vector<StoredComment>> recent(std::string_view stream, size_t limit);
  // The highest id ever given in `stream`, deleted comments included (ids are never reused); 0 if none.
  Result<uint64_t> last_id(std::string_view stream);
  // Marks a comment deleted. false when there is no such comment or it was already deleted.
  Result<bool> remove(std::string_view stream, uint64_t id);
  // A broadcast's comments not deleted, by offset (then id).
  Result<std::vector<StoredComment>> for_broadcast(int64_t broadcast_id);
  // Comments not deleted in `stream`.
  Result<size_t> count(std::string_view stream);

 private:
  Database& database_;
  CachedStatement insert_;
  CachedStatement recent_;
  CachedStatement last_id_;
  CachedStatement remove_;
  CachedStatement for_broadcast_;
  CachedStatement count_;
};

}  // namespace liverelay
