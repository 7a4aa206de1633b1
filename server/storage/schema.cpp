// The liverelay schema as migrations: script i takes PRAGMA user_version from i to i + 1.
#include "server/storage/database.hpp"

namespace liverelay {
namespace {

// Version 1: broadcasts, live comments, bans.
// comments and bans are WITHOUT ROWID: rows are small and always found by their primary key, so
// the table is the key's b-tree (one b-tree written per insert, recent() a range scan of it).
// Comment ids are assigned by the room per stream (max(id) + 1); deleted comments keep theirs so
// an id is never reused.
constexpr std::string_view kSchema1 = R"sql(
CREATE TABLE broadcasts (
  id INTEGER PRIMARY KEY,
  stream TEXT NOT NULL,
  started_at_ms INTEGER NOT NULL,
  ended_at_ms INTEGER,
  peak_viewers INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX broadcasts_by_stream ON broadcasts(stream, started_at_ms);

CREATE TABLE comments (
  stream TEXT NOT NULL,
  id INTEGER NOT NULL,
  broadcast_id INTEGER REFERENCES broadcasts(id) ON DELETE SET NULL,
  offset_ms INTEGER,
  user TEXT NOT NULL,
  text TEXT NOT NULL,
  ts_ms INTEGER NOT NULL,
  bot INTEGER NOT NULL DEFAULT 0,
  deleted INTEGER NOT NULL DEFAULT 0,
  address TEXT,
  PRIMARY KEY (stream, id)
) WITHOUT ROWID;
-- Replays read a broadcast's comments by offset; deleting a broadcast finds them here too.
CREATE INDEX comments_by_broadcast ON comments(broadcast_id, offset_ms);

CREATE TABLE bans (
  stream TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('user', 'address')),
  value TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  PRIMARY KEY (stream, kind, value)
) WITHOUT ROWID;
)sql";

// Version 2: replays. A broadcast's recording (its folder under the data dir, relative, and its
// state: none, recording, complete, partial after a crash, empty, failed), its media duration and
// bytes on disk; reactions per second of the broadcast and kind (a replay replays them).
constexpr std::string_view kSchema2 = R"sql(
ALTER TABLE broadcasts ADD COLUMN recording TEXT NOT NULL DEFAULT 'none';
ALTER TABLE broadcasts ADD COLUMN recording_path TEXT;
ALTER TABLE broadcasts ADD COLUMN duration_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE broadcasts ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0;
-- Retention walks every stream's broadcasts oldest first.
CREATE INDEX broadcasts_by_start ON broadcasts(started_at_ms);

CREATE TABLE reactions (
  broadcast_id INTEGER NOT NULL REFERENCES broadcasts(id) ON DELETE CASCADE,
  second INTEGER NOT NULL,
  kind TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (broadcast_id, second, kind)
) WITHOUT ROWID;
)sql";

constexpr std::string_view kMigrations[] = {
    kSchema1,
    kSchema2,
};

}  // namespace

std::span<const std::string_view> schema_migrations() {
  return kMigrations;
}

}  // namespace liverelay
