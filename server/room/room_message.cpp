// RoomMessage: the WebSocket text frame header written once in front of the JSON.
#include "server/room/room_message.hpp"

#include <array>

#include "protocol/websocket/frame.hpp"

namespace liverelay {

RoomMessage::RoomMessage(std::string_view json) {
  std::array<uint8_t, 10> header{};
  header_size_ = websocket::write_frame_header(websocket::Opcode::text, json.size(), header);
  frame_.reserve(header_size_ + json.size());
  frame_.insert(frame_.end(), header.begin(), header.begin() + static_cast<std::ptrdiff_t>(header_size_));
  frame_.insert(frame_.end(), json.begin(), json.end());
}

}  // namespace liverelay
