// Room: message handling, storage of comments, coalesced counts and moderation.
#include "server/room/room.hpp"

#include <algorithm>
#include <random>
#include <variant>

#include <fmt/format.h>

#include "protocol/room/client_message.hpp"
#include "protocol/room/server_message.hpp"
#include "protocol/room/text_rules.hpp"
#include "protocol/websocket/frame.hpp"
#include "server/logging.hpp"
#include "server/stream/publish_auth.hpp"

namespace liverelay {
namespace {

constexpr int64_t kMinuteMs = 60'000;
constexpr size_t kMaxRecentCommentTimes = 100'000;
constexpr int64_t kMaxFlushGapMs = 10'000;

std::string guest_name() {
  static std::mt19937 random{std::random_device{}()};
  return fmt::format("guest-{:04}", random() % 10'000);
}

room::Comment to_comment(const StoredComment& stored) {
  return {stored.id, stored.user, stored.text, stored.ts_ms, stored.bot};
}

}  // namespace

Room::Room(std::string name, RoomContext& context) : name_(std::move(name)), context_(context) {
  if (auto last = context_.comments.last_id(name_)) last_id_ = *last;
  else logger("room")->error("{}: {}", name_, last.error().message);
  if (auto recent = context_.comments.recent(name_, kHistorySize)) {
    for (const auto& stored : *recent) history_.push_back(to_comment(stored));
  }
  if (auto count = context_.comments.count(name_)) comment_count_ = comments_posted_ = *count;
  if (auto bans = context_.bans.all()) {
    for (const auto& entry : *bans) {
      if (entry.stream != name_) continue;
      (entry.kind == BanKind::user ? banned_users_ : banned_addresses_).insert(entry.value);
    }
  }
  rebuild_history_message();
}

void Room::join(RoomMember& member) {
  if (member.user().empty()) member.set_user(guest_name());
  if (member.room_slot_ != SIZE_MAX) return;
  member.room_slot_ = members_.size();
  members_.push_back(&member);
  member_identities_.emplace(member.address(), member.user_agent());
  if (!history_message_) rebuild_history_message();
  member.send(history_message_);
  member.send(make_room_message(room::state_message(live_)));
  if (!reactions_.empty()) member.send(make_room_message(room::reactions_message(reactions_)));
}

void Room::leave(RoomMember& member) {
  const size_t slot = member.room_slot_;
  if (slot >= members_.size() || members_[slot] != &member) return;
  members_[slot] = members_.back();
  members_[slot]->room_slot_ = slot;
  members_.pop_back();
  member.room_slot_ = SIZE_MAX;
  if (auto it = member_identities_.find({member.address(), member.user_agent()}); it != member_identities_.end()) {
    member_identities_.erase(it);
  }
}

bool Room::has_member_like(const std::string& address, const std::string& user_agent) const {
  return member_identities_.contains({address, user_agent});
}

void Room::on_text(RoomMember& member, std::string_view frame, int64_t now_ms) {
  auto message = room::parse_client_message(frame);
  if (!message) {
    refuse(member, message.error().code, message.error().message, now_ms);
    return;
  }
  std::visit(
      [&](auto& request) {
        using T = std::decay_t<decltype(request)>;
        if constexpr (std::is_same_v<T, room::Hello>) {
          if (!member.bot()) member.set_user(request.user);
        } else if constexpr (std::is_same_v<T, room::CommentRequest>) {
          handle_comment(member, request.text, now_ms);
        } else if constexpr (std::is_same_v<T, room::ReactionRequest>) {
          if (!member.reaction_bucket().try_take(now_ms)) {
            refuse(member, room::RoomErrorCode::rate_limited, "too many reactions: slow down", now_ms);
            return;
          }
          ++reactions_[request.kind];
          reactions_dirty_ = true;
          count_reaction(request.kind, now_ms);
        } else if constexpr (std::is_same_v<T, room::DeleteRequest>) {
          if (!member.admin()) return refuse(member, room::RoomErrorCode::forbidden, "delete needs the admin token", now_ms);
          if (auto deleted = delete_comment(request.id); !deleted || !*deleted) {
            send_error(member, room::RoomErrorCode::bad_request, "no such comment");
          }
        } else if constexpr (std::is_same_v<T, room::BanRequest>) {
          if (!member.admin()) return refuse(member, room::RoomErrorCode::forbidden, "ban needs the admin token", now_ms);
          const BanKind kind = request.target == room::BanTarget::user ? BanKind::user : BanKind::address;
          if (!ban(kind, request.value, now_ms)) send_error(member, room::RoomErrorCode::bad_request, "ban not stored");
        } else if constexpr (std::is_same_v<T, room::Auth>) {
          handle_auth(member, request.token, now_ms);
        }
      },
      *message);
}

void Room::refuse(RoomMember& member, room::RoomErrorCode code, std::string_view message, int64_t now_ms) {
  send_error(member, code, message);
  if (member.abuse().strike(now_ms)) {
    logger("room")->info("{}: {} ({}) disconnected for repeated abuse", name_, member.address(), member.user());
    member.disconnect(websocket::kClosePolicyViolation, "repeated abuse");
  }
}

void Room::send_error(RoomMember& member, room::RoomErrorCode code, std::string_view message) {
  member.send(make_room_message(room::error_message(code, message)));
}

void Room::handle_comment(RoomMember& member, const std::string& text, int64_t now_ms) {
  if (banned(member)) return refuse(member, room::RoomErrorCode::banned, "you cannot post in this room", now_ms);
  if (!member.comment_bucket().try_take(now_ms)) {
    return refuse(member, room::RoomErrorCode::rate_limited, "too many comments: slow down", now_ms);
  }
  auto posted = post(member.user(), text, member.bot(), now_ms, member.address());
  if (!posted) send_error(member, posted.error().code, posted.error().message);
}

void Room::handle_auth(RoomMember& member, const std::string& token, int64_t now_ms) {
  if (!context_.admin_token.empty() && secrets_equal(context_.admin_token, token)) {
    member.grant_admin();
    logger("room")->info("{}: {} authenticated as admin", name_, member.address());
    return;
  }
  for (const auto& bot : context_.bots) {
    if (secrets_equal(bot.token, token)) {
      member.become_bot(bot.name);
      logger("room")->info("{}: {} authenticated as bot {}", name_, member.address(), bot.name);
      return;
    }
  }
  refuse(member, room::RoomErrorCode::forbidden, "unknown token", now_ms);
}

bool Room::banned(const RoomMember& member) const {
  return banned_users_.contains(member.user()) || banned_addresses_.contains(member.address());
}

room::RoomResult<room::Comment> Room::post(const std::string& user, std::string_view text, bool bot, int64_t now_ms,
                                           const std::string& address) {
  auto checked = room::validate_comment_text(text);
  if (!checked) return room::room_fail(room::RoomErrorCode::bad_text, checked.error().message);
  room::Comment comment{last_id_ + 1, user, std::move(*checked), now_ms, bot};
  StoredComment stored{name_, comment.id, std::nullopt, std::nullopt, user, comment.text, now_ms, bot, address};
  if (auto current = current_broadcast()) {
    stored.broadcast_id = current->id;
    stored.offset_ms = std::max<int64_t>(now_ms - current->started_at_ms, 0);
  }
  if (auto appended = context_.comments.append(stored); !appended) {
    logger("room")->error("{}: comment not stored: {}", name_, appended.error().message);
    return room::room_fail(room::RoomErrorCode::bad_request, "the comment could not be stored");
  }
  last_id_ = comment.id;
  ++comment_count_;
  ++comments_posted_;
  if (recent_comment_times_.size() == kMaxRecentCommentTimes) recent_comment_times_.pop_front();
  recent_comment_times_.push_back(now_ms);
  history_.push_back(comment);
  if (history_.size() > kHistorySize) history_.pop_front();
  history_message_.reset();  // rebuilt at the next join: a comment costs no history render
  broadcast(make_room_message(room::comment_message(comment)));
  return comment;
}

Result<bool> Room::delete_comment(uint64_t id) {
  auto removed = context_.comments.remove(name_, id);
  if (!removed || !*removed) return removed;
  --comment_count_;
  std::erase_if(history_, [&](const room::Comment& c) { return c.id == id; });
  // History keeps 50 visible comments: refill from storage when one leaves it.
  if (auto recent = context_.comments.recent(name_, kHistorySize)) {
    history_.clear();
    for (const auto& stored : *recent) history_.push_back(to_comment(stored));
  }
  history_message_.reset();
  broadcast(make_room_message(room::delete_message(id)));
  logger("room")->info("{}: comment {} deleted", name_, id);
  return true;
}

Result<bool> Room::ban(BanKind kind, const std::string& value, int64_t now_ms) {
  auto added = context_.bans.add(name_, kind, value, now_ms);
  if (!added) return added;
  (kind == BanKind::user ? banned_users_ : banned_addresses_).insert(value);
  logger("room")->info("{}: {} banned", name_, kind == BanKind::user ? "a user" : "an address");
  return *added;
}

void Room::set_live(bool live) {
  if (live == live_) return;
  live_ = live;
  broadcast(make_room_message(room::state_message(live)));
}

void Room::flush(size_t hls_only_viewers, int64_t now_ms) {
  // The count of the last flush held until now. Wall time may step: a gap outside
  // [0, kMaxFlushGapMs] counts as nothing rather than hours of phantom watching.
  if (last_flush_ms_ && now_ms > *last_flush_ms_ && now_ms - *last_flush_ms_ <= kMaxFlushGapMs) {
    watch_ms_ += viewers_ * static_cast<uint64_t>(now_ms - *last_flush_ms_);
  }
  last_flush_ms_ = now_ms;
  viewers_ = members_.size() + hls_only_viewers;
  peak_viewers_ = std::max(peak_viewers_, viewers_);
  store_broadcast_peak();
  store_reactions();
  if (viewers_ != sent_viewers_) {
    sent_viewers_ = viewers_;
    broadcast(make_room_message(room::viewers_message(viewers_)));
  }
  if (reactions_dirty_) {
    reactions_dirty_ = false;
    broadcast(make_room_message(room::reactions_message(reactions_)));
  }
}

double Room::comments_per_minute(int64_t now_ms) {
  while (!recent_comment_times_.empty() && now_ms - recent_comment_times_.front() > kMinuteMs) {
    recent_comment_times_.pop_front();
  }
  return static_cast<double>(recent_comment_times_.size());
}

std::optional<BroadcastRef> Room::current_broadcast() const {
  if (!context_.current_broadcast) return std::nullopt;
  return context_.current_broadcast(name_);
}

void Room::count_reaction(room::ReactionKind kind, int64_t now_ms) {
  const auto current = current_broadcast();
  if (!current) return;
  if (reactions_broadcast_id_ != current->id) store_reactions();
  reactions_broadcast_id_ = current->id;
  ++pending_reactions_[{std::max<int64_t>(now_ms - current->started_at_ms, 0) / 1000, kind}];
}

// One upsert per (second, kind) that saw reactions since the last flush, not one per reaction.
void Room::store_reactions() {
  if (reactions_broadcast_id_) {
    for (const auto& [key, count] : pending_reactions_) {
      const auto& [second, kind] = key;
      if (auto added = context_.reactions.add(*reactions_broadcast_id_, second, room::to_string(kind), count); !added) {
        logger("room")->error("{}: reactions not stored: {}", name_, added.error().message);
        break;
      }
    }
  }
  pending_reactions_.clear();
}

void Room::store_broadcast_peak() {
  const auto current = current_broadcast();
  if (!current) return;
  if (current->id != peak_broadcast_id_) {
    peak_broadcast_id_ = current->id;
    broadcast_peak_ = 0;
  }
  if (viewers_ <= broadcast_peak_) return;
  broadcast_peak_ = viewers_;
  if (auto updated = context_.broadcasts.update_peak(current->id, static_cast<int64_t>(viewers_)); !updated) {
    logger("room")->error("{}: peak viewers not stored: {}", name_, updated.error().message);
  }
}

void Room::broadcast(const SharedRoomMessage& message) {
  // Members never leave inside send (one that falls behind closes and leaves on a later turn
  // of the loop), so this is one pass over the list.
  for (RoomMember* member : members_) member->send(message);
}

void Room::rebuild_history_message() {
  const std::vector<room::Comment> comments(history_.begin(), history_.end());
  history_message_ = make_room_message(room::history_message(comments));
}

}  // namespace liverelay
