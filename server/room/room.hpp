// The room of one stream: who is in it, the comments (stored, the last 50 kept as history),
// reactions, viewer counts, moderation. It exists before and after the stream's broadcasts.
// Every outgoing message is serialised once and shared by every member.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/room/comment.hpp"
#include "protocol/room/reaction.hpp"
#include "protocol/room/room_error.hpp"
#include "server/room/room_member.hpp"
#include "server/storage/ban_store.hpp"
#include "server/storage/broadcast_store.hpp"
#include "server/storage/comment_store.hpp"
#include "server/storage/reaction_store.hpp"

namespace liverelay {

struct BotAccount {
  std::string name;
  std::string token;
};

// What every room shares: storage, limits and the tokens that grant rights.
struct RoomContext {
  CommentStore& comments;
  BanStore& bans;
  BroadcastStore& broadcasts;
  ReactionStore& reactions;
  RoomLimits limits;
  std::string admin_token;  // empty: no admin
  std::vector<BotAccount> bots;
  // The stream's broadcast now (live, or offline within the reconnect grace), or nullopt. The
  // broadcast is opened and closed with the stream (the recorder): comments and reactions only
  // point at it, with their offsets from its start.
  std::function<std::optional<BroadcastRef>(const std::string& stream)> current_broadcast;
};

class Room {
 public:
  static constexpr size_t kHistorySize = 50;

  Room(std::string name, RoomContext& context);

  void join(RoomMember& member);
  void leave(RoomMember& member);
  // A text frame from a member, at wall-clock `now_ms`.
  void on_text(RoomMember& member, std::string_view frame, int64_t now_ms);
  // A frame the room does not take (binary, too large): an error, and a strike.
  void refuse(RoomMember& member, room::RoomErrorCode code, std::string_view message, int64_t now_ms);

  // Posts as a bot from outside a socket (the HTTP bot endpoint).
  room::RoomResult<room::Comment> post(const std::string& user, std::string_view text, bool bot, int64_t now_ms,
                                       const std::string& address);
  // Moderation; both also reach every member. Results: whether something changed.
  Result<bool> delete_comment(uint64_t id);
  Result<bool> ban(BanKind kind, const std::string& value, int64_t now_ms);

  // The stream went live or offline (checked a few times a second).
  void set_live(bool live);
  // Sends what was coalesced since the last flush: the viewer count (WebSocket members plus
  // `hls_only_viewers`) when it changed, reaction counts when they changed; stores the
  // broadcast's reactions and peak viewer count.
  void flush(size_t hls_only_viewers, int64_t now_ms);

  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] size_t member_count() const { return members_.size(); }
  [[nodiscard]] bool has_member_like(const std::string& address, const std::string& user_agent) const;
  [[nodiscard]] size_t viewers() const { return viewers_; }
  [[nodiscard]] size_t peak_viewers() const { return peak_viewers_; }
  // Viewer-seconds watched in this room: the viewer count integrated over time, flush to flush.
  [[nodiscard]] double watch_time_s() const { return static_cast<double>(watch_ms_) / 1000.0; }
  [[nodiscard]] uint64_t comment_count() const { return comment_count_; }
  // Comments ever posted (stored at start-up plus posted since), never lowered by a deletion:
  // a counter for /metrics.
  [[nodiscard]] uint64_t comments_posted() const { return comments_posted_; }
  [[nodiscard]] double comments_per_minute(int64_t now_ms);
  [[nodiscard]] const room::ReactionCounts& reactions() const { return reactions_; }

 private:
  void broadcast(const SharedRoomMessage& message);
  void send_error(RoomMember& member, room::RoomErrorCode code, std::string_view message);
  void handle_comment(RoomMember& member, const std::string& text, int64_t now_ms);
  void handle_auth(RoomMember& member, const std::string& token, int64_t now_ms);
  bool banned(const RoomMember& member) const;
  void rebuild_history_message();
  [[nodiscard]] std::optional<BroadcastRef> current_broadcast() const;
  void count_reaction(room::ReactionKind kind, int64_t now_ms);
  void store_reactions();
  void store_broadcast_peak();

  std::string name_;
  RoomContext& context_;
  std::vector<RoomMember*> members_;  // a vector: a broadcast is one pass over it
  std::multiset<std::pair<std::string, std::string>> member_identities_;  // address, user agent
  std::deque<room::Comment> history_;  // oldest first
  SharedRoomMessage history_message_;
  uint64_t last_id_ = 0;
  uint64_t comment_count_ = 0;
  uint64_t comments_posted_ = 0;
  std::deque<int64_t> recent_comment_times_;  // the last minute's, for the per-minute rate
  std::set<std::string> banned_users_;
  std::set<std::string> banned_addresses_;
  room::ReactionCounts reactions_;
  bool reactions_dirty_ = false;
  size_t viewers_ = 0;
  size_t sent_viewers_ = SIZE_MAX;
  size_t peak_viewers_ = 0;
  uint64_t watch_ms_ = 0;  // viewer-milliseconds
  std::optional<int64_t> last_flush_ms_;
  bool live_ = false;
  // The broadcast's reactions since the last flush, by (second from its start, kind).
  std::optional<int64_t> reactions_broadcast_id_;
  std::map<std::pair<int64_t, room::ReactionKind>, int64_t> pending_reactions_;
  // The broadcast's own peak (the room's spans broadcasts).
  int64_t peak_broadcast_id_ = 0;
  size_t broadcast_peak_ = 0;
};

}  // namespace liverelay
