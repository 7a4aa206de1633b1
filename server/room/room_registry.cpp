// RoomRegistry: rooms made on demand, empty rooms of streams that are gone forgotten (their
// comments stay in storage and come back with the room).
#include "server/room/room_registry.hpp"

namespace liverelay {

RoomRegistry::RoomRegistry(RoomContext& context, StreamRegistry& streams, const HlsSessions& hls_sessions,
                           std::function<bool(std::string_view)> name_allowed)
    : context_(context), streams_(streams), hls_sessions_(hls_sessions), name_allowed_(std::move(name_allowed)) {}

Room* RoomRegistry::room(const std::string& name) {
  if (auto it = rooms_.find(name); it != rooms_.end()) return it->second.get();
  if (!name_allowed_(name) || rooms_.size() >= kMaxRooms) return nullptr;
  return rooms_.emplace(name, std::make_unique<Room>(name, context_)).first->second.get();
}

Room* RoomRegistry::find(const std::string& name) {
  auto it = rooms_.find(name);
  return it == rooms_.end() ? nullptr : it->second.get();
}

void RoomRegistry::flush(int64_t wall_ms, int64_t steady_ms) {
  for (const Stream* stream : streams_.all()) room(stream->name());
  for (auto it = rooms_.begin(); it != rooms_.end();) {
    Room& room = *it->second;
    const Stream* stream = streams_.find(room.name());
    room.set_live(stream != nullptr && stream->live());
    const size_t hls_only = hls_sessions_.count_except(
        room.name(), steady_ms,
        [&](const std::string& peer, const std::string& user_agent) { return room.has_member_like(peer, user_agent); });
    // An RTMP player is a viewer too: a player app, never a page holding a WebSocket.
    const size_t rtmp_players = stream != nullptr ? stream->playback().players : 0;
    room.flush(hls_only + rtmp_players, wall_ms);
    const bool forgettable = stream == nullptr && room.member_count() == 0 && hls_only == 0;
    it = forgettable ? rooms_.erase(it) : std::next(it);
  }
}

}  // namespace liverelay
