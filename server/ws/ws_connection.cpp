// WsConnection: the RFC 6455 conversation of one room member.
#include "server/ws/ws_connection.hpp"

#include "protocol/websocket/frame.hpp"
#include "server/clock.hpp"
#include "server/logging.hpp"

namespace liverelay {
namespace {

// The kernel's share of a slow reader's backlog: small room messages need little, and a fixed
// size keeps autotuning from growing it to megabytes per socket (our own queue bounds the rest).
constexpr int kSocketSendBuffer = 256 * 1024;

}  // namespace

WsConnection::WsConnection(uint64_t id, std::unique_ptr<TcpConnection> tcp, Room& room, WsConnectionHost& host,
                           const WsLimits& limits, const RoomLimits& room_limits, std::string address,
                           std::string user_agent)
    : RoomMember(std::move(address), std::move(user_agent), room_limits),
      id_(id), tcp_(std::move(tcp)), room_(room), host_(host), limits_(limits),
      parser_(websocket::FrameLimits{limits.max_message_bytes}) {}

WsConnection::~WsConnection() {
  if (flush_scheduled_) host_.cancel_flush(*this);
  room_.leave(*this);
  tcp_->close();
}

void WsConnection::start(const std::string& handshake_response, std::span<const uint8_t> early, int64_t now_ms) {
  last_heard_ms_ = now_ms;
  last_ping_ms_ = now_ms;
  tcp_->write({reinterpret_cast<const uint8_t*>(handshake_response.data()), handshake_response.size()});
  tcp_->set_drained_callback(nullptr);
  tcp_->set_send_buffer_size(kSocketSendBuffer);
  tcp_->start([this](std::span<const uint8_t> bytes) { on_data(bytes); },
              [this](std::string_view reason) { finish(reason); });
  room_.join(*this);
  if (!early.empty()) on_data(early);
}

void WsConnection::sweep(int64_t now_ms) {
  if (done_) return;
  if (now_ms - last_heard_ms_ > limits_.idle_timeout_ms) {
    disconnect(websocket::kCloseGoingAway, "no answer to pings");
  } else if (now_ms - last_heard_ms_ > limits_.ping_interval_ms && now_ms - last_ping_ms_ > limits_.ping_interval_ms) {
    last_ping_ms_ = now_ms;
    send_control(websocket::make_frame(websocket::Opcode::ping, {}));
  }
}

void WsConnection::send(const SharedRoomMessage& message) {
  if (done_) return;
  outgoing_.push_back(message);
  if (!flush_scheduled_) {
    flush_scheduled_ = true;
    host_.schedule_flush(*this);
  }
}

void WsConnection::flush() {
  flush_scheduled_ = false;
  if (done_ || outgoing_.empty()) return;
  // One writev for everything this turn brought (a burst of comments costs one system call per
  // socket, not one per comment); each part points into the shared frame.
  if (outgoing_.size() == 1) {  // the common case (one comment per turn): no allocation
    const TcpConnection::OutgoingPart part{outgoing_.front()->websocket_frame(), outgoing_.front()};
    tcp_->write_parts({&part, 1});
  } else {
    std::vector<TcpConnection::OutgoingPart> parts;
    parts.reserve(outgoing_.size());
    for (const auto& message : outgoing_) parts.push_back({message->websocket_frame(), message});
    tcp_->write_parts(parts);
  }
  outgoing_.clear();
  if (tcp_->queued_bytes() > limits_.max_queued_bytes) {
    logger("ws")->info("{}: {} fell behind ({} bytes queued): disconnected", room_.name(), address(),
                       tcp_->queued_bytes());
    finish("send queue over its limit");
  }
}

void WsConnection::disconnect(uint16_t close_code, std::string_view reason) {
  if (done_) return;
  send_control(websocket::make_close_frame(close_code, reason));
  done_ = true;
  tcp_->close_after_flush();
  host_.finished(id_);
}

void WsConnection::on_data(std::span<const uint8_t> bytes) {
  if (done_) return;
  const int64_t now = steady_ms();
  last_heard_ms_ = now;
  messages_.clear();
  auto parsed = parser_.feed(bytes, messages_);
  // Messages before a framing error still count. The room keeps wall-clock time.
  const int64_t wall = wall_ms();
  for (auto& message : messages_) {
    if (done_) return;
    on_message(message, wall);
  }
  if (!parsed && !done_) {
    logger("ws")->info("{}: {}: {}", room_.name(), address(), parsed.error().message);
    disconnect(parser_.close_code(), parsed.error().message);
  }
}

void WsConnection::on_message(websocket::Message& message, int64_t now_ms) {
  switch (message.opcode) {
    case websocket::Opcode::text:
      room_.on_text(*this, message.payload, now_ms);
      break;
    case websocket::Opcode::binary:
      room_.refuse(*this, room::RoomErrorCode::binary, "text frames only", now_ms);
      break;
    case websocket::Opcode::ping:
      send_control(websocket::make_frame(websocket::Opcode::pong, {reinterpret_cast<const uint8_t*>(message.payload.data()),
                                                                    message.payload.size()}));
      break;
    case websocket::Opcode::close: {
      auto request = websocket::parse_close_payload(message.payload);
      disconnect(request ? (request->code == 1005 ? websocket::kCloseNormal : request->code)
                         : websocket::kCloseProtocolError,
                 "");
      break;
    }
    default:
      break;  // pong: hearing the peer is all it is for
  }
}

void WsConnection::send_control(std::vector<uint8_t> frame) {
  flush();  // keep the order: what send() queued goes first
  tcp_->write(frame);
}

void WsConnection::finish(std::string_view reason) {
  if (done_) return;
  done_ = true;
  logger("ws")->debug("{}: {} left: {}", room_.name(), address(), reason);
  tcp_->close();
  host_.finished(id_);
}

}  // namespace liverelay
