// Someone in a room: a WebSocket today, a WebRTC data channel later. The room talks to members
// only through this interface and keeps their identity, rights and rate limits here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/room/rate_limiter.hpp"
#include "server/room/room_message.hpp"

namespace liverelay {

struct RoomLimits {
  double comments_per_s = 1.0;  // sustained, per connection
  double comment_burst = 5.0;
  double reactions_per_s = 5.0;
  double reaction_burst = 20.0;
  size_t abuse_strikes = 20;  // refused messages within abuse_window_ms before a disconnect
  int64_t abuse_window_ms = 10'000;
};

class RoomMember {
 public:
  RoomMember(std::string address, std::string user_agent, const RoomLimits& limits)
      : address_(std::move(address)), user_agent_(std::move(user_agent)),
        comment_bucket_(limits.comments_per_s, limits.comment_burst),
        reaction_bucket_(limits.reactions_per_s, limits.reaction_burst),
        abuse_(limits.abuse_strikes, limits.abuse_window_ms) {}
  virtual ~RoomMember() = default;
  RoomMember(const RoomMember&) = delete;
  RoomMember& operator=(const RoomMember&) = delete;

  // Queues one message; a member too far behind drops itself (and leaves the room later).
  virtual void send(const SharedRoomMessage& message) = 0;
  // Ends the membership from the room's side (abuse, ban): close code and reason for the peer.
  virtual void disconnect(uint16_t close_code, std::string_view reason) = 0;

  [[nodiscard]] const std::string& address() const { return address_; }
  [[nodiscard]] const std::string& user_agent() const { return user_agent_; }
  [[nodiscard]] const std::string& user() const { return user_; }
  [[nodiscard]] bool admin() const { return admin_; }
  [[nodiscard]] bool bot() const { return bot_; }

  void set_user(std::string user) { user_ = std::move(user); }
  void grant_admin() { admin_ = true; }
  void become_bot(std::string name) {
    bot_ = true;
    user_ = std::move(name);
  }
  room::TokenBucket& comment_bucket() { return comment_bucket_; }
  room::TokenBucket& reaction_bucket() { return reaction_bucket_; }
  room::AbuseCounter& abuse() { return abuse_; }

 private:
  friend class Room;
  size_t room_slot_ = SIZE_MAX;  // index in the room's member list, for O(1) leave

  std::string address_;
  std::string user_agent_;
  std::string user_;
  bool admin_ = false;
  bool bot_ = false;
  room::TokenBucket comment_bucket_;
  room::TokenBucket reaction_bucket_;
  room::AbuseCounter abuse_;
};

}  // namespace liverelay
