// Server frame writing: the minimal length encoding of RFC 6455 5.2, no mask.
#include "protocol/websocket/frame.hpp"

#include <cassert>

namespace liverelay::websocket {
namespace {

constexpr uint8_t kFin = 0x80;
constexpr size_t kCloseCodeSize = 2;

std::span<const uint8_t> bytes_of(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

// The longest prefix of `text` no longer than `limit` that does not end inside a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view text, size_t limit) {
  if (text.size() <= limit) return text;
  size_t end = limit;
  // A continuation byte (10xxxxxx) at the cut means the cut splits a character: back off to its start.
  while (end > 0 && (static_cast<uint8_t>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

}  // namespace

size_t write_frame_header(Opcode opcode, uint64_t payload_length, std::array<uint8_t, 10>& out) {
  assert(payload_length >> 63 == 0);
  out[0] = static_cast<uint8_t>(kFin | static_cast<uint8_t>(opcode));
  if (payload_length < 126) {
    out[1] = static_cast<uint8_t>(payload_length);
    return 2;
  }
  const size_t length_bytes = payload_length <= 0xFFFF ? 2 : 8;
  out[1] = length_bytes == 2 ? 126 : 127;
  for (size_t i = 0; i < length_bytes; ++i) {
    out[2 + i] = static_cast<uint8_t>(payload_length >> (8 * (length_bytes - 1 - i)));
  }
  return 2 + length_bytes;
}

std::vector<uint8_t> make_frame(Opcode opcode, std::span<const uint8_t> payload) {
  std::array<uint8_t, 10> header{};
  const size_t header_size = write_frame_header(opcode, payload.size(), header);
  std::vector<uint8_t> frame;
  frame.reserve(header_size + payload.size());
  frame.insert(frame.end(), header.begin(), header.begin() + static_cast<std::ptrdiff_t>(header_size));
  frame.insert(frame.end(), payload.begin(), payload.end());
  return frame;
}

std::vector<uint8_t> make_text_frame(std::string_view text) {
  return make_frame(Opcode::text, bytes_of(text));
}

std::vector<uint8_t> make_close_frame(uint16_t code, std::string_view reason) {
  const std::string_view kept = utf8_prefix(reason, kMaxControlPayload - kCloseCodeSize);
  std::vector<uint8_t> payload;
  payload.reserve(kCloseCodeSize + kept.size());
  payload.push_back(static_cast<uint8_t>(code >> 8));
  payload.push_back(static_cast<uint8_t>(code & 0xFF));
  payload.insert(payload.end(), kept.begin(), kept.end());
  return make_frame(Opcode::close, payload);
}

}  // namespace liverelay::websocket
