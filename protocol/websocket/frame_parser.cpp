// FrameParser: a header of at most 14 bytes, then the payload unmasked into the message it belongs to.
#include "protocol/websocket/frame_parser.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace liverelay::websocket {
namespace {

constexpr uint16_t kCloseNoStatus = 1005;    // RFC 6455 7.4.1: stands for "no code in the payload"
constexpr uint8_t kLength16 = 126;           // RFC 6455 5.2: 16-bit extended length follows
constexpr uint8_t kLength64 = 127;           // RFC 6455 5.2: 64-bit extended length follows
constexpr size_t kMaskBytes = 4;

// RFC 6455 7.4.1-7.4.2: what a peer may put on the wire. 1004-1006 and 1015 are reserved or
// local-only; 1012-1014 are registered with IANA since; 3000-4999 belong to libraries and apps.
bool sendable_close_code(uint16_t code) {
  if (code >= 3000 && code <= 4999) return true;
  return code >= 1000 && code <= 1014 && code != 1004 && code != 1005 && code != 1006;
}

bool known_opcode(uint8_t opcode) {
  switch (static_cast<Opcode>(opcode)) {
    case Opcode::continuation:
    case Opcode::text:
    case Opcode::binary:
    case Opcode::close:
    case Opcode::ping:
    case Opcode::pong:
      return true;
  }
  return false;
}

}  // namespace

Result<CloseRequest> parse_close_payload(std::string_view payload) {
  if (payload.empty()) return CloseRequest{kCloseNoStatus, {}};
  if (payload.size() == 1) return fail(Errc::malformed, "websocket: close payload of 1 byte");
  const auto code =
      static_cast<uint16_t>((static_cast<uint8_t>(payload[0]) << 8) | static_cast<uint8_t>(payload[1]));
  if (!sendable_close_code(code))
    return fail(Errc::malformed, fmt::format("websocket: close code {} is not one to send", code));
  return CloseRequest{code, std::string(payload.substr(2))};
}

FrameParser::FrameParser(FrameLimits limits) : limits_(limits) {}

Result<void> FrameParser::feed(std::span<const uint8_t> bytes, std::vector<Message>& out) {
  if (close_code_ != 0) return tl::unexpected<Error>(error_);
  size_t pos = 0;
  while (pos < bytes.size()) {
    if (!in_payload_) {
      auto taken = take_header_byte(bytes[pos++]);
      if (!taken) return taken;
    } else {
      pos += take_payload(bytes.subspan(pos));
    }
    // Also right after a header that declares no payload, so an empty frame needs no more bytes.
    if (in_payload_ && payload_read_ == payload_length_) finish_frame(out);
  }
  return {};
}

Result<void> FrameParser::take_header_byte(uint8_t byte) {
  header_[header_size_++] = byte;
  if (header_size_ == 1) return check_first_byte();
  if (header_size_ == 2) {
    auto checked = check_second_byte();
    if (!checked) return checked;
  }
  if (header_size_ == length_end_) {
    auto checked = check_length();
    if (!checked) return checked;
  }
  if (header_size_ == header_end_) {
    std::copy_n(header_.begin() + static_cast<std::ptrdiff_t>(length_end_), kMaskBytes, mask_.begin());
    in_payload_ = true;
    payload_read_ = 0;
    if (!is_control() && opcode_ != Opcode::continuation) {
      in_message_ = true;
      message_opcode_ = opcode_;
    }
  }
  return {};
}

// RFC 6455 5.2 FIN, RSV1-3, opcode; 5.4 the rules of fragmentation; 5.5 control frames.
Result<void> FrameParser::check_first_byte() {
  const uint8_t byte = header_[0];
  fin_ = (byte & 0x80) != 0;
  if ((byte & 0x70) != 0) {
    return refuse(kCloseProtocolError,
                  fmt::format("RSV bits {:#04x} set with no extension negotiated", byte & 0x70));
  }
  const uint8_t opcode = byte & 0x0F;
  if (!known_opcode(opcode)) return refuse(kCloseProtocolError, fmt::format("unknown opcode {:#x}", opcode));
  opcode_ = static_cast<Opcode>(opcode);
  if (is_control() && !fin_) {
    return refuse(kCloseProtocolError, fmt::format("fragmented control frame (opcode {:#x})", opcode));
  }
  if (opcode_ == Opcode::continuation && !in_message_) {
    return refuse(kCloseProtocolError, "continuation frame with no message started");
  }
  if (!is_control() && opcode_ != Opcode::continuation && in_message_) {
    return refuse(kCloseProtocolError, "new data frame in the middle of a fragmented message");
  }
  return {};
}

// RFC 6455 5.1: a client masks every frame; 5.5: control payloads fit in the 7-bit length.
Result<void> FrameParser::check_second_byte() {
  const uint8_t byte = header_[1];
  if ((byte & 0x80) == 0) return refuse(kCloseProtocolError, "unmasked client frame");
  const uint8_t length7 = byte & 0x7F;
  if (is_control() && length7 > kMaxControlPayload) {
    return refuse(kCloseProtocolError, "control frame payload over 125 bytes");
  }
  const size_t length_bytes = length7 == kLength16 ? 2 : length7 == kLength64 ? 8 : 0;
  length_end_ = 2 + length_bytes;
  header_end_ = length_end_ + kMaskBytes;
  return {};
}

// The declared length decides, so a client announcing more than the limit is refused before it
// sends any of it, and nothing past the limit is ever buffered. Non-minimal length encodings are
// accepted: RFC 6455 5.2 asks senders for the minimal one but gives receivers no rule.
Result<void> FrameParser::check_length() {
  uint64_t length = header_[1] & 0x7F;
  if (length_end_ > 2) {
    length = 0;
    for (size_t i = 2; i < length_end_; ++i) length = (length << 8) | header_[i];
  }
  if ((length >> 63) != 0) return refuse(kCloseProtocolError, "64-bit payload length with the top bit set");
  // message_ never holds more than the limit, so the subtraction cannot wrap.
  if (!is_control() && length > limits_.max_message_bytes - message_.size()) {
    return refuse(kCloseMessageTooBig, fmt::format("message of {} bytes over the {}-byte limit",
                                                   message_.size() + length, limits_.max_message_bytes));
  }
  payload_length_ = length;
  return {};
}

// Unmasks while copying into the message (or control payload) the frame belongs to.
size_t FrameParser::take_payload(std::span<const uint8_t> bytes) {
  const auto count = static_cast<size_t>(std::min<uint64_t>(bytes.size(), payload_length_ - payload_read_));
  std::string& target = is_control() ? control_ : message_;
  const size_t start = target.size();
  target.resize(start + count);
  for (size_t i = 0; i < count; ++i) {
    target[start + i] = static_cast<char>(bytes[i] ^ mask_[(payload_read_ + i) % kMaskBytes]);
  }
  payload_read_ += count;
  return count;
}

void FrameParser::finish_frame(std::vector<Message>& out) {
  if (is_control()) {
    out.push_back(Message{opcode_, std::move(control_)});
    control_.clear();
  } else if (fin_) {
    out.push_back(Message{message_opcode_, std::move(message_)});
    message_.clear();
    in_message_ = false;
  }
  header_size_ = 0;
  length_end_ = 0;
  header_end_ = 0;
  in_payload_ = false;
  payload_length_ = 0;
  payload_read_ = 0;
}

tl::unexpected<Error> FrameParser::refuse(uint16_t code, std::string message) {
  close_code_ = code;
  error_ = Error{code == kCloseMessageTooBig ? Errc::over_limit : Errc::malformed,
                 "websocket: " + std::move(message)};
  return tl::unexpected<Error>(error_);
}

}  // namespace liverelay::websocket
