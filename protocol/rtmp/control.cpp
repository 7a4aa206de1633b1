// Protocol control (RTMP spec 5.4) and user control (6.2) messages: builders and parsers.
#include "protocol/rtmp/control.hpp"

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "protocol/core/byte_reader.hpp"
#include "protocol/core/byte_writer.hpp"

namespace liverelay::rtmp {

namespace {

// 5.4: protocol control messages go on chunk stream 2, message stream 0; 6.2: so do user
// control messages.
Message control_message(MessageType type, std::vector<uint8_t> payload) {
  Message message;
  message.chunk_stream_id = kControlChunkStream;
  message.type_id = static_cast<uint8_t>(type);
  message.message_stream_id = 0;
  message.timestamp = 0;
  message.payload = std::move(payload);
  return message;
}

Message u32_message(MessageType type, uint32_t value) {
  std::vector<uint8_t> payload;
  ByteWriter(payload).u32be(value);
  return control_message(type, std::move(payload));
}

// Bytes of event data after the 2-byte event type (7.1.7), or nullopt for an unknown event.
std::optional<size_t> event_data_size(uint16_t event) {
  switch (static_cast<UserControlEvent>(event)) {
    case UserControlEvent::stream_begin:
    case UserControlEvent::stream_eof:
    case UserControlEvent::stream_dry:
    case UserControlEvent::stream_is_recorded:
    case UserControlEvent::ping_request:
    case UserControlEvent::ping_response:
      return 4;
    case UserControlEvent::set_buffer_length:
      return 8;  // stream id, then buffer length in ms
  }
  return std::nullopt;
}

}  // namespace

Message make_set_chunk_size(uint32_t size) {
  if (size == 0 || size > kMaxChunkSize) {
    throw std::invalid_argument("chunk size " + std::to_string(size) + " outside 1..2147483647");
  }
  return u32_message(MessageType::set_chunk_size, size);
}

Message make_abort(uint32_t chunk_stream_id) {
  return u32_message(MessageType::abort, chunk_stream_id);
}

Message make_acknowledgement(uint32_t sequence_number) {
  return u32_message(MessageType::acknowledgement, sequence_number);
}

Message make_window_ack_size(uint32_t size) {
  return u32_message(MessageType::window_ack_size, size);
}

Message make_set_peer_bandwidth(uint32_t size, PeerBandwidthLimit limit) {
  std::vector<uint8_t> payload;
  ByteWriter writer(payload);
  writer.u32be(size);
  writer.u8(static_cast<uint8_t>(limit));  // 5.4.5: the limit type follows the window size
  return control_message(MessageType::set_peer_bandwidth, std::move(payload));
}

Message make_user_control(const UserControl& control) {
  std::vector<uint8_t> payload;
  ByteWriter writer(payload);
  writer.u16be(static_cast<uint16_t>(control.event));
  writer.u32be(control.value);
  if (control.event == UserControlEvent::set_buffer_length) writer.u32be(control.extra);
  return control_message(MessageType::user_control, std::move(payload));
}

Result<uint32_t> parse_u32_control(std::span<const uint8_t> payload) {
  auto value = ByteReader(payload).u32be();
  if (!value) {
    return fail(Errc::malformed,
                "control message of " + std::to_string(payload.size()) + " bytes, expected 4");
  }
  return *value;
}

Result<UserControl> parse_user_control(std::span<const uint8_t> payload) {
  ByteReader reader(payload);
  auto event = reader.u16be();
  if (!event) {
    return fail(Errc::malformed,
                "user control message of " + std::to_string(payload.size()) + " bytes has no event type");
  }
  auto data_size = event_data_size(*event);
  if (!data_size) return fail(Errc::unsupported, "user control event " + std::to_string(*event));
  if (reader.remaining() < *data_size) {
    return fail(Errc::malformed, "user control event " + std::to_string(*event) + " with " +
                                     std::to_string(reader.remaining()) + " bytes of data, " + "expected " +
                                     std::to_string(*data_size));
  }
  UserControl control{static_cast<UserControlEvent>(*event)};
  control.value = *reader.u32be();
  if (control.event == UserControlEvent::set_buffer_length) control.extra = *reader.u32be();
  return control;
}

}  // namespace liverelay::rtmp
