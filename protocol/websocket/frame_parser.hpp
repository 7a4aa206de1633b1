// Client-to-server WebSocket frames (RFC 6455 5), sans-I/O: bytes in, whole messages out.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/core/error.hpp"
#include "protocol/websocket/frame.hpp"

namespace liverelay::websocket {

// Text and binary reassembled from their fragments; ping, pong and close as sent (unmasked).
// Text is not checked for UTF-8 here: the layer above answers invalid text with an application error.
struct Message {
  Opcode opcode;
  std::string payload;
};

// Parsed from a close payload.
struct CloseRequest {
  uint16_t code;
  std::string reason;  // not checked for UTF-8, as with text messages
};

// RFC 6455 5.5.1 and 7.4: an empty payload is code 1005 (no status); 1 byte is an error; so are
// the codes no endpoint may send (<1000, 1004-1006, 1015, reserved 1016-2999, undefined >= 5000).
// Either error is a protocol error: answer it with a 1002 close.
Result<CloseRequest> parse_close_payload(std::string_view payload);

struct FrameLimits {
  size_t max_message_bytes = 4096;  // the whole (reassembled) data message
};

class FrameParser {
 public:
  explicit FrameParser(FrameLimits limits = {});

  // Client-to-server frames. Consumes everything given, appends each complete message to `out`
  // (control frames may arrive between the fragments of a data message, RFC 6455 5.4). An error
  // is final and `close_code()` tells the code to close with: 1002 for a protocol error, 1009
  // when a frame's declared length (or the reassembled total) goes over max_message_bytes,
  // decided from the header alone before any payload arrives. Bytes after a close frame are
  // parsed like any others; the caller stops reading once it has seen the close.
  Result<void> feed(std::span<const uint8_t> bytes, std::vector<Message>& out);

  // After an error: 1002 or 1009. 0 while there has been none.
  [[nodiscard]] uint16_t close_code() const { return close_code_; }

 private:
  static constexpr size_t kMaxHeaderBytes = 14;  // 2 + 8 length bytes + 4 mask bytes

  Result<void> take_header_byte(uint8_t byte);
  Result<void> check_first_byte();
  Result<void> check_second_byte();
  Result<void> check_length();
  size_t take_payload(std::span<const uint8_t> bytes);
  void finish_frame(std::vector<Message>& out);
  tl::unexpected<Error> refuse(uint16_t code, std::string message);
  [[nodiscard]] bool is_control() const { return (static_cast<uint8_t>(opcode_) & 0x8) != 0; }

  FrameLimits limits_;
  // The frame being read.
  std::array<uint8_t, kMaxHeaderBytes> header_{};
  size_t header_size_ = 0;  // header bytes in so far
  size_t length_end_ = 0;   // header size once the length is in (0 until the second byte)
  size_t header_end_ = 0;   // header size with the mask (0 until the second byte)
  bool in_payload_ = false;
  bool fin_ = false;
  Opcode opcode_ = Opcode::continuation;
  std::array<uint8_t, 4> mask_{};
  uint64_t payload_length_ = 0;
  uint64_t payload_read_ = 0;
  // The data message being put together from fragments, and a control frame's payload.
  bool in_message_ = false;
  Opcode message_opcode_ = Opcode::text;
  std::string message_;
  std::string control_;
  uint16_t close_code_ = 0;
  Error error_{Errc::malformed, {}};  // returned again by every feed after the first error
};

}  // namespace liverelay::websocket
