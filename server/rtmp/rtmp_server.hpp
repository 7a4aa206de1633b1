// The RTMP listener and the connections it accepted.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "protocol/core/error.hpp"
#include "server/net/tcp_listener.hpp"
#include "server/net/timer.hpp"
#include "server/net/turn_flusher.hpp"
#include "server/rtmp/rtmp_connection.hpp"

namespace liverelay {

class RtmpServer {
 public:
  // `connections` (optional) caps the sockets accepted; it outlives the server.
  RtmpServer(uv_loop_t* loop, StreamRegistry& registry, const PublishAuth& auth, Webhooks& hooks,
             RtmpLimits limits = {}, ConnectionLimiter* connections = nullptr);
  ~RtmpServer();

  Result<void> listen(const Endpoint& endpoint);
  // Stops accepting and closes every connection (their broadcasts end).
  void stop();

  // Closes one connection (an operator's kick); false when there is none with that id.
  bool kick(uint64_t connection_id, std::string_view reason);

  [[nodiscard]] size_t connection_count() const { return connections_.size(); }
  [[nodiscard]] Endpoint local_endpoint() const { return listener_->local_endpoint(); }

 private:
  void on_accept(uv_tcp_t* handle, ConnectionSlot slot);
  void on_finished(RtmpConnection& connection);

  uv_loop_t* loop_;
  StreamRegistry& registry_;
  const PublishAuth& auth_;
  Webhooks& hooks_;
  const RtmpLimits limits_;
  ConnectionLimiter* connection_limiter_;
  TurnFlusher flusher_;  // before the connections: their players cancel with it when they go
  std::unique_ptr<TcpListener> listener_;
  std::map<uint64_t, std::unique_ptr<RtmpConnection>> connections_;
  std::vector<std::unique_ptr<RtmpConnection>> finished_;
  Timer reaper_;
  uint64_t next_id_ = 1;
};

}  // namespace liverelay
