// One outgoing room message, serialised once: the JSON text inside a ready WebSocket frame,
// shared by every socket that sends it (a pointer per socket, never a copy).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace liverelay {

class RoomMessage {
 public:
  explicit RoomMessage(std::string_view json);

  [[nodiscard]] std::string_view json() const {
    return {reinterpret_cast<const char*>(frame_.data()) + header_size_, frame_.size() - header_size_};
  }
  [[nodiscard]] std::span<const uint8_t> websocket_frame() const { return frame_; }

 private:
  std::vector<uint8_t> frame_;  // frame header, then the JSON
  size_t header_size_ = 0;
};

using SharedRoomMessage = std::shared_ptr<const RoomMessage>;

inline SharedRoomMessage make_room_message(std::string_view json) { return std::make_shared<const RoomMessage>(json); }

}  // namespace liverelay
