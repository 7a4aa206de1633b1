// Broadcasts on disk: one row per broadcast of a stream (publish to end, reconnects within the
// grace included), the index of its replay: times, peak viewers, its recording and its size.
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

// The broadcast live on a stream, as comments and reactions refer to it.
struct BroadcastRef {
  int64_t id = 0;
  int64_t started_at_ms = 0;  // wall clock; comment offsets count from here
};

struct Broadcast {
  int64_t id = 0;
  std::string stream;
  int64_t started_at_ms = 0;           // ms since epoch
  std::optional<int64_t> ended_at_ms;  // nullopt while live
  int64_t peak_viewers = 0;
  // "none" (not recorded), "recording", "complete", "partial" (closed after a crash), "empty"
  // (no segment was recorded), "failed" (the playlist could not be written).
  std::string recording = "none";
  std::optional<std::string> recording_path;  // the folder, relative to the data dir
  int64_t duration_ms = 0;                    // recorded media, once the recording is closed
  int64_t bytes = 0;                          // its files on disk, idem
  int64_t comments = 0;                       // not deleted (list and find only)

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
  // The recording's state and folder (relative to the data dir).
  Result<void> set_recording(int64_t id, std::string_view state, std::string_view path);
  // A closed recording: its state, media duration and bytes on disk.
  Result<void> close_recording(int64_t id, std::string_view state, int64_t duration_ms, int64_t bytes);
  // A stream's broadcasts, newest first.
  Result<std::vector<Broadcast>> list(std::string_view stream);
  Result<std::optional<Broadcast>> find(int64_t id);
  // Every broadcast with a recording folder, oldest first (retention).
  Result<std::vector<Broadcast>> recorded();
  // Broadcasts not ended or whose recording is not closed, oldest first (at start: what a
  // crash left open).
  Result<std::vector<Broadcast>> unfinished();
  // Deletes the row and its reactions; its comments stay in the room's history, detached.
  Result<bool> remove(int64_t id);
  // At start, before anything goes live: broadcasts a crash left open end at their last
  // comment's time, or `now_ms` when they have none. Returns how many.
  Result<size_t> close_unfinished(int64_t now_ms);

 private:
  Result<std::vector<Broadcast>> read_all(CachedStatement& cached, std::optional<int64_t> key,
                                          std::optional<std::string_view> stream);

  Database& database_;
  CachedStatement insert_;
  CachedStatement end_;
  CachedStatement update_peak_;
  CachedStatement set_recording_;
  CachedStatement close_recording_;
  CachedStatement list_;
  CachedStatement find_;
  CachedStatement recorded_;
  CachedStatement unfinished_;
  CachedStatement remove_;
  CachedStatement close_unfinished_;
};

}  // namespace liverelay
