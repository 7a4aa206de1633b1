// The read-only JSON API: /api/v1/streams, /api/v1/streams/<name>, /api/v1/server.
#pragma once

#include <chrono>
#include <functional>
#include <optional>

#include <nlohmann/json.hpp>

#include "server/api/process_stats.hpp"
#include "server/hls/hls_sessions.hpp"
#include "server/record/recordings.hpp"
#include "server/relay/relays.hpp"
#include "server/room/room_registry.hpp"
#include "server/http/http_types.hpp"
#include "server/stream/stream_registry.hpp"

namespace liverelay {

struct ConnectionCounts {
  size_t rtmp = 0;
  size_t http = 0;
  size_t websocket = 0;
  size_t webrtc = 0;  // WHEP sessions
  // Connections closed at accept since the start, by the [limits] cap that refused them.
  uint64_t refused_total = 0;        // max_connections
  uint64_t refused_per_address = 0;  // max_connections_per_address
};

class StatsApi {
 public:
  using CountConnections = std::function<ConnectionCounts()>;

  StatsApi(StreamRegistry& registry, const HlsSessions& hls_sessions, RoomRegistry& rooms,
           CountConnections count_connections);

  // The response for an /api/v1/ request, or nullopt when the path is not ours.
  std::optional<HttpResponse> route(const HttpRequest& request);

  [[nodiscard]] nlohmann::json stream_json(const Stream& stream) const;
  // Adds each stream's "recording" (its current or last recording) from these.
  void set_recordings(const Recordings* recordings) { recordings_ = recordings; }
  // Adds "relay" (pushes and pull) to the streams that have one.
  void set_relays(const Relays* relays) { relays_ = relays; }

 private:
  nlohmann::json server_json();

  StreamRegistry& registry_;
  const HlsSessions& hls_sessions_;
  RoomRegistry& rooms_;
  CountConnections count_connections_;
  const Recordings* recordings_ = nullptr;
  const Relays* relays_ = nullptr;
  CpuMeter cpu_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace liverelay
