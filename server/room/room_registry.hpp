// Every room by stream name, and the few-times-a-second pass that sends what rooms coalesce
// (viewer counts, reactions) and tells them when their stream goes live or offline.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "server/hls/hls_sessions.hpp"
#include "server/room/room.hpp"
#include "server/stream/stream_registry.hpp"

namespace liverelay {

class RoomRegistry {
 public:
  // `name_allowed`: whether a room may exist under that name (keyed mode: configured names).
  RoomRegistry(RoomContext& context, StreamRegistry& streams, const HlsSessions& hls_sessions,
               std::function<bool(std::string_view)> name_allowed);

  // The room, created on first use; nullptr when the name is not allowed or rooms are full.
  Room* room(const std::string& name);
  [[nodiscard]] Room* find(const std::string& name);

  // Live state, viewer counts and reactions of every room (about four times a second).
  void flush(int64_t wall_ms, int64_t steady_ms);

  [[nodiscard]] size_t size() const { return rooms_.size(); }

 private:
  static constexpr size_t kMaxRooms = 10'000;

  RoomContext& context_;
  StreamRegistry& streams_;
  const HlsSessions& hls_sessions_;
  std::function<bool(std::string_view)> name_allowed_;
  std::map<std::string, std::unique_ptr<Room>, std::less<>> rooms_;
};

}  // namespace liverelay
