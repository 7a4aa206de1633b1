// ServerSession: the handshake, then chunk demux and the protocol/user control messages.
#include "protocol/rtmp/server_session.hpp"

#include <fmt/format.h>

#include "protocol/rtmp/control.hpp"

namespace liverelay::rtmp {

ServerSession::ServerSession(ServerSessionOptions options)
    : options_(std::move(options)), input_(ServerHandshake(options_.seed), options_.limits) {}

Result<void> ServerSession::feed(std::span<const uint8_t> in) {
  auto fed = input_.feed(
      in, output_, [] {}, [this](Message message) { return on_message(std::move(message)); });
  if (!fed) return fed;
  if (auto ack = input_.acknowledgement()) send(*ack);
  return {};
}

std::optional<SessionEvent> ServerSession::next_event() {
  if (events_.empty()) return std::nullopt;
  SessionEvent event = std::move(events_.front());
  events_.pop_front();
  return event;
}

Result<void> ServerSession::on_message(Message message) {
  switch (message.type()) {
    case MessageType::set_chunk_size:
    case MessageType::abort:
    case MessageType::acknowledgement:
    case MessageType::user_control:
    case MessageType::window_ack_size:
    case MessageType::set_peer_bandwidth:
      return on_control(message);
    case MessageType::command_amf0:
    case MessageType::command_amf3:
      return on_command(message);
    case MessageType::data_amf0:
    case MessageType::data_amf3:
      return on_data(std::move(message));
    case MessageType::audio:
    case MessageType::video:
      if (publishing_stream_ && message.message_stream_id == *publishing_stream_) {
        events_.push_back(MediaReceived{message.type(), message.timestamp, std::move(message.payload)});
      }
      return {};
    default:
      // Shared objects and aggregates: nothing a live encoder needs from us. Ignored, as
      // nginx-rtmp and SRS do, rather than dropping the connection.
      return {};
  }
}

Result<void> ServerSession::on_control(const Message& message) {
  switch (message.type()) {
    case MessageType::window_ack_size: {
      auto size = parse_u32_control(message.payload);
      if (!size) return tl::unexpected(std::move(size.error()).context("window ack size"));
      input_.set_peer_ack_window(*size);
      return {};
    }
    case MessageType::user_control: {
      auto control = parse_user_control(message.payload);
      // Events we do not know (SWF verification, 26/27) are ignored, as by nginx-rtmp.
      if (!control && control.error().code == Errc::unsupported) return {};
      if (!control) return tl::unexpected(std::move(control.error()).context("user control"));
      if (control->event == UserControlEvent::ping_request) {
        send(make_user_control({UserControlEvent::ping_response, control->value, 0}));
      }
      return {};
    }
    default:
      // Set Chunk Size and Abort were applied by the reader; acknowledgements and peer
      // bandwidth only inform a sender, and we send little.
      return {};
  }
}

void ServerSession::send(const Message& message) { writer_.write(message, output_); }

}  // namespace liverelay::rtmp
