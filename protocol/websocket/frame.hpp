// WebSocket frames the server sends (RFC 6455 5.2): unmasked, FIN set, one buffer each.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace liverelay::websocket {

enum class Opcode : uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA
};

// RFC 6455 5.5: a control frame's payload is at most 125 bytes.
inline constexpr size_t kMaxControlPayload = 125;

// RFC 6455 7.4.1 close codes
inline constexpr uint16_t kCloseNormal = 1000, kCloseGoingAway = 1001, kCloseProtocolError = 1002,
                          kCloseUnsupportedData = 1003, kCloseInvalidPayload = 1007,
                          kClosePolicyViolation = 1008, kCloseMessageTooBig = 1009;

// The header of an unmasked server frame with FIN set: 2, 4 or 10 bytes written to `out`, returns
// the count. `payload_length` must be below 2^63 (RFC 6455 5.2: the top bit is always 0).
size_t write_frame_header(Opcode opcode, uint64_t payload_length, std::array<uint8_t, 10>& out);

// Header + payload in one buffer.
std::vector<uint8_t> make_frame(Opcode opcode, std::span<const uint8_t> payload);
std::vector<uint8_t> make_text_frame(std::string_view text);

// A close frame: code (network order) + reason truncated so the payload stays <= 125 bytes (at a
// UTF-8 boundary). RFC 6455 7.4.1: 1005, 1006 and 1015 must not be sent; that is the caller's to keep.
std::vector<uint8_t> make_close_frame(uint16_t code, std::string_view reason);

}  // namespace liverelay::websocket
