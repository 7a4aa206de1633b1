// WebSocket rooms at /live/<name>/ws: takes upgraded connections from the HTTP server, checks
// the handshake and the per-address limit, and owns every WebSocket.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "server/http/http_types.hpp"
#include "server/net/tcp_connection.hpp"
#include "server/net/timer.hpp"
#include "server/room/room_registry.hpp"
#include "server/ws/ws_connection.hpp"

namespace liverelay {

struct WsServerOptions {
  WsLimits limits;
  RoomLimits room_limits;
  size_t max_connections_per_address = 200;
};

class WsServer final : private WsConnectionHost {
 public:
  WsServer(uv_loop_t* loop, RoomRegistry& rooms, WsServerOptions options);
  ~WsServer() override;
  WsServer(const WsServer&) = delete;
  WsServer& operator=(const WsServer&) = delete;

  // An upgrade request from the HTTP server. True when the socket was taken (answered: 101 and
  // a room, or an HTTP refusal); false when the path is not a room (the HTTP server answers).
  bool take(const HttpRequest& request, std::unique_ptr<TcpConnection>& tcp, std::span<const uint8_t> early);
  void stop();

  [[nodiscard]] size_t connection_count() const { return connections_.size(); }

 private:
  void finished(uint64_t id) override;
  void schedule_flush(WsConnection& connection) override { to_flush_.push_back(&connection); }
  void cancel_flush(WsConnection& connection) override { std::erase(to_flush_, &connection); }
  void flush_all();
  void refuse(std::unique_ptr<TcpConnection>& tcp, int status, std::string_view reason);

  RoomRegistry& rooms_;
  WsServerOptions options_;
  std::map<uint64_t, std::unique_ptr<WsConnection>> connections_;
  std::map<std::string, size_t, std::less<>> per_address_;
  std::vector<std::unique_ptr<WsConnection>> finished_;
  std::vector<WsConnection*> to_flush_;
  Timer reaper_;
  Timer sweeper_;
  uv_check_t* flusher_;  // runs once per loop turn, after the reads
  uint64_t next_id_ = 1;
};

}  // namespace liverelay
