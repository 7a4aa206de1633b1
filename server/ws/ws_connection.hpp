// One WebSocket in a room: frames in (through the sans-I/O parser), shared frames out, a
// bounded send queue, pings for liveness.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "protocol/websocket/frame_parser.hpp"
#include "server/net/tcp_connection.hpp"
#include "server/room/room.hpp"

namespace liverelay {

struct WsLimits {
  size_t max_message_bytes = 4096;         // a bigger frame closes the socket with 1009
  size_t max_queued_bytes = 512 * 1024;    // a reader this far behind is dropped
  int64_t ping_interval_ms = 30'000;       // a ping after this long without hearing the peer
  int64_t idle_timeout_ms = 75'000;        // closed after this long without hearing the peer
};

// What a connection needs from its server.
class WsConnection;

class WsConnectionHost {
 public:
  virtual ~WsConnectionHost() = default;
  // Done: destroy it on a fresh call stack.
  virtual void finished(uint64_t id) = 0;
  // It has messages waiting: call flush() once this turn of the loop has read everything.
  virtual void schedule_flush(WsConnection& connection) = 0;
  virtual void cancel_flush(WsConnection& connection) = 0;
};

class WsConnection final : public RoomMember {
 public:
  WsConnection(uint64_t id, std::unique_ptr<TcpConnection> tcp, Room& room, WsConnectionHost& host,
               const WsLimits& limits, const RoomLimits& room_limits, std::string address, std::string user_agent);
  ~WsConnection() override;

  // Answers the handshake (`handshake_response`), joins the room and reads what followed the
  // request head (`early` bytes).
  void start(const std::string& handshake_response, std::span<const uint8_t> early, int64_t now_ms);
  // Pings a quiet peer and closes a silent one (about once a second).
  void sweep(int64_t now_ms);

  // Queues the message; it leaves with the others of this loop turn in one gathered write.
  void send(const SharedRoomMessage& message) override;
  // Writes what send() queued (called by the host once per loop turn).
  void flush();
  void disconnect(uint16_t close_code, std::string_view reason) override;

  [[nodiscard]] uint64_t id() const { return id_; }

 private:
  void on_data(std::span<const uint8_t> bytes);
  void on_message(websocket::Message& message, int64_t now_ms);
  void send_control(std::vector<uint8_t> frame);
  void finish(std::string_view reason);

  uint64_t id_;
  std::unique_ptr<TcpConnection> tcp_;
  Room& room_;
  WsConnectionHost& host_;
  WsLimits limits_;
  websocket::FrameParser parser_;
  std::vector<websocket::Message> messages_;
  std::vector<SharedRoomMessage> outgoing_;  // sent this loop turn, not written yet
  bool flush_scheduled_ = false;
  int64_t last_heard_ms_ = 0;
  int64_t last_ping_ms_ = 0;
  bool done_ = false;
};

}  // namespace liverelay
