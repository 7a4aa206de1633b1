// WebSocket parser test helpers: client frames masked as a browser masks them (RFC 6455 5.3), and
// a feeder that checks whole and byte-by-byte input give the same outcome.
#pragma once

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/websocket/frame_parser.hpp"
#include "tests/protocol/rtmp/test_bytes.hpp"

namespace liverelay::websocket::testing {

using liverelay::testing::Bytes;
using liverelay::testing::join;
using MaskKey = std::array<uint8_t, 4>;

inline constexpr MaskKey kRfcMaskKey = {0x37, 0xfa, 0x21, 0x3d};  // the key of the RFC 6455 5.7 examples

// Opcodes (RFC 6455 5.2) as Seen::opcode holds them.
inline constexpr unsigned kText = 0x1, kBinary = 0x2, kClose = 0x8, kPing = 0x9, kPong = 0xA;

inline Bytes bytes_of(std::string_view text) {
  return Bytes(text.begin(), text.end());
}

// Masks an unmasked frame (as a server sends it, or as the RFC prints it): sets the MASK bit,
// puts the key after the length and XORs the payload with it.
inline Bytes mask_frame(const Bytes& unmasked, MaskKey key = kRfcMaskKey) {
  const uint8_t length7 = unmasked.at(1) & 0x7F;
  const size_t header_size = 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0);
  Bytes masked(unmasked.begin(), unmasked.begin() + static_cast<std::ptrdiff_t>(header_size));
  masked[1] |= 0x80;
  masked.insert(masked.end(), key.begin(), key.end());
  for (size_t i = header_size; i < unmasked.size(); ++i) {
    masked.push_back(static_cast<uint8_t>(unmasked[i] ^ key[(i - header_size) % 4]));
  }
  return masked;
}

// A masked client frame with any first byte (FIN, RSV bits, opcode) and the minimal length encoding.
inline Bytes client_frame(uint8_t first_byte, const Bytes& payload, MaskKey key = kRfcMaskKey) {
  Bytes unmasked = {first_byte};
  const uint64_t size = payload.size();
  if (size < 126) {
    unmasked.push_back(static_cast<uint8_t>(size));
  } else {
    const int length_bytes = size <= 0xFFFF ? 2 : 8;
    unmasked.push_back(length_bytes == 2 ? 126 : 127);
    for (int i = length_bytes - 1; i >= 0; --i) unmasked.push_back(static_cast<uint8_t>(size >> (8 * i)));
  }
  unmasked.insert(unmasked.end(), payload.begin(), payload.end());
  return mask_frame(unmasked, key);
}

inline Bytes client_frame(uint8_t first_byte, std::string_view payload, MaskKey key = kRfcMaskKey) {
  return client_frame(first_byte, bytes_of(payload), key);
}

// A message as the tests compare and print it.
struct Seen {
  unsigned opcode = 0;
  std::string payload;
  bool operator==(const Seen&) const = default;
};

inline std::ostream& operator<<(std::ostream& os, const Seen& seen) {
  os << "{opcode " << seen.opcode << ", " << seen.payload.size() << " bytes";
  if (seen.payload.size() <= 16) os << " \"" << seen.payload << "\"";
  return os << "}";
}

struct Outcome {
  std::vector<Seen> messages;  // delivered before the end or the error
  bool ok = true;
  uint16_t close_code = 0;
};

// Feeds `input` in pieces of `piece` bytes until the end or the first error.
inline Outcome feed_in_pieces(const Bytes& input, FrameLimits limits, size_t piece) {
  FrameParser parser(limits);
  std::vector<Message> messages;
  Outcome outcome;
  for (size_t at = 0; at < input.size() && outcome.ok; at += piece) {
    const size_t count = std::min(piece, input.size() - at);
    outcome.ok = parser.feed(std::span<const uint8_t>(input).subspan(at, count), messages).has_value();
  }
  for (Message& message : messages) {
    outcome.messages.push_back(Seen{static_cast<unsigned>(message.opcode), std::move(message.payload)});
  }
  outcome.close_code = parser.close_code();
  return outcome;
}

// Parses `input` all at once and byte by byte, checks that both give the same, returns that.
inline Outcome parse(const Bytes& input, FrameLimits limits = {}) {
  Outcome whole = feed_in_pieces(input, limits, std::max<size_t>(input.size(), 1));
  const Outcome byte_by_byte = feed_in_pieces(input, limits, 1);
  CHECK(byte_by_byte.ok == whole.ok);
  CHECK(byte_by_byte.close_code == whole.close_code);
  CHECK(byte_by_byte.messages == whole.messages);
  return whole;
}

}  // namespace liverelay::websocket::testing
