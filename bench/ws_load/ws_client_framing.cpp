// The client side of RFC 6455 for the load generator: handshake text, frame bytes.
#include "ws_client_framing.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>

namespace ws_load {
namespace {

constexpr std::string_view kGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";  // RFC 6455 1.3
constexpr size_t kMaxAnswerHeaders = 16 * 1024;

std::string base64(const uint8_t* data, size_t size) {
  std::string out(4 * ((size + 2) / 3) + 1, '\0');
  int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<size_t>(written));
  return out;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The value of a header in an HTTP head (status line excluded), or empty.
std::string_view header_value(std::string_view head, std::string_view name) {
  while (!head.empty()) {
    size_t eol = head.find("\r\n");
    std::string_view line = head.substr(0, eol);
    head = eol == std::string_view::npos ? std::string_view() : head.substr(eol + 2);
    size_t colon = line.find(':');
    if (colon != std::string_view::npos && equals_ignoring_case(trim(line.substr(0, colon)), name)) {
      return trim(line.substr(colon + 1));
    }
  }
  return {};
}

}  // namespace

std::string make_client_key(uint64_t random_high, uint64_t random_low) {
  std::array<uint8_t, 16> nonce{};
  std::memcpy(nonce.data(), &random_high, 8);
  std::memcpy(nonce.data() + 8, &random_low, 8);
  return base64(nonce.data(), nonce.size());
}

std::string accept_for_key(std::string_view key) {
  std::string input = std::string(key) + std::string(kGuid);
  std::array<uint8_t, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(input.data(), input.size(), digest.data(), &length, EVP_sha1(), nullptr);
  return base64(digest.data(), length);
}

std::string upgrade_request(std::string_view host_port, std::string_view path, std::string_view key) {
  std::string request;
  request.reserve(256);
  request.append("GET ").append(path).append(" HTTP/1.1\r\nHost: ").append(host_port);
  request.append("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ").append(key);
  request.append("\r\nSec-WebSocket-Version: 13\r\n\r\n");
  return request;
}

UpgradeAnswer parse_upgrade_answer(std::string_view received, std::string_view key) {
  UpgradeAnswer answer;
  size_t end = received.find("\r\n\r\n");
  if (end == std::string_view::npos) {
    if (received.size() > kMaxAnswerHeaders) {
      answer.status = UpgradeAnswer::Status::kRefused;
      answer.reason = "answer headers over 16 KiB";
    }
    return answer;
  }
  answer.header_bytes = end + 4;
  std::string_view head = received.substr(0, end);
  std::string_view status_line = head.substr(0, head.find("\r\n"));
  std::string_view headers = head.substr(std::min(head.size(), status_line.size() + 2));
  answer.status = UpgradeAnswer::Status::kRefused;
  // RFC 6455 4.2.2: 101, Upgrade: websocket, and the accept value that proves it read our key.
  if (status_line.substr(0, 13) != "HTTP/1.1 101 " && status_line != "HTTP/1.1 101") {
    answer.reason = std::string(status_line);
  } else if (!equals_ignoring_case(header_value(headers, "upgrade"), "websocket")) {
    answer.reason = "101 without Upgrade: websocket";
  } else if (header_value(headers, "sec-websocket-accept") != accept_for_key(key)) {
    answer.reason = "wrong Sec-WebSocket-Accept";
  } else {
    answer.status = UpgradeAnswer::Status::kAccepted;
  }
  return answer;
}

size_t write_client_frame(uint8_t* out, Opcode opcode, std::string_view payload, uint32_t mask_key) {
  size_t at = 0;
  out[at++] = static_cast<uint8_t>(0x80 | static_cast<uint8_t>(opcode));  // FIN, no RSV
  uint64_t length = payload.size();
  if (length < 126) {
    out[at++] = static_cast<uint8_t>(0x80 | length);
  } else if (length <= 0xFFFF) {  // RFC 6455 5.2: 126 then a 16-bit length
    out[at++] = 0x80 | 126;
    out[at++] = static_cast<uint8_t>(length >> 8);
    out[at++] = static_cast<uint8_t>(length);
  } else {  // 127 then a 64-bit length, most significant bit 0
    out[at++] = 0x80 | 127;
    for (int shift = 56; shift >= 0; shift -= 8) out[at++] = static_cast<uint8_t>(length >> shift);
  }
  std::array<uint8_t, 4> mask{static_cast<uint8_t>(mask_key >> 24), static_cast<uint8_t>(mask_key >> 16),
                              static_cast<uint8_t>(mask_key >> 8), static_cast<uint8_t>(mask_key)};
  std::memcpy(out + at, mask.data(), 4);
  at += 4;
  for (size_t i = 0; i < payload.size(); ++i) {  // RFC 6455 5.3
    out[at + i] = static_cast<uint8_t>(payload[i]) ^ mask[i & 3];
  }
  return at + payload.size();
}

std::string client_frame(Opcode opcode, std::string_view payload, uint32_t mask_key) {
  std::string out(payload.size() + kMaxClientHeader, '\0');
  out.resize(write_client_frame(reinterpret_cast<uint8_t*>(out.data()), opcode, payload, mask_key));
  return out;
}

std::string close_payload(uint16_t code) {
  return std::string{static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
}

HeaderStatus parse_server_frame_header(std::span<const uint8_t> data, uint64_t max_payload,
                                       FrameHeader& header, std::string& error) {
  if (data.size() < 2) return HeaderStatus::kNeedMore;
  uint8_t first = data[0], second = data[1];
  header.fin = (first & 0x80) != 0;
  header.opcode = static_cast<Opcode>(first & 0x0F);
  if ((first & 0x70) != 0) {
    error = "RSV bit set without an extension";
    return HeaderStatus::kError;
  }
  if ((second & 0x80) != 0) {  // RFC 6455 5.1: a client closes on a masked server frame
    error = "masked frame from the server";
    return HeaderStatus::kError;
  }
  uint8_t code = first & 0x0F;
  bool control = code >= 0x8;
  if ((code > 0x2 && code < 0x8) || code > 0xA) {
    error = "reserved opcode " + std::to_string(code);
    return HeaderStatus::kError;
  }
  uint64_t length = second & 0x7F;
  size_t at = 2;
  if (length >= 126) {
    size_t bytes = length == 126 ? 2 : 8;
    if (data.size() < 2 + bytes) return HeaderStatus::kNeedMore;
    length = 0;
    for (size_t i = 0; i < bytes; ++i) length = (length << 8) | data[2 + i];
    at += bytes;
  }
  if (control && (!header.fin || length > 125)) {  // RFC 6455 5.5
    error = "fragmented or oversize control frame";
    return HeaderStatus::kError;
  }
  if (length > max_payload) {  // also catches a 64-bit length with its top bit set
    error = "frame of " + std::to_string(length) + " bytes over the limit";
    return HeaderStatus::kError;
  }
  header.payload_length = length;
  header.header_length = at;
  return HeaderStatus::kComplete;
}

bool FrameReader::add_fragment(const FrameHeader& header, std::string_view payload, Message& complete) {
  if (static_cast<uint8_t>(header.opcode) >= 0x8) return true;  // control frames interleave as they are
  if (header.opcode != Opcode::kContinuation) {
    if (in_message_) {
      error_ = "new data frame inside a fragmented message";
      return false;
    }
    if (header.fin) return true;
    in_message_ = true;
    message_opcode_ = header.opcode;
    message_.assign(payload);
    complete.opcode = Opcode::kContinuation;  // nothing to hand out yet
    return true;
  }
  if (!in_message_) {
    error_ = "continuation frame outside a message";
    return false;
  }
  if (message_.size() + payload.size() > max_message_) {
    error_ = "fragmented message over the limit";
    return false;
  }
  message_.append(payload);
  if (!header.fin) return true;  // complete.opcode stays kContinuation: keep joining
  in_message_ = false;
  complete = Message{message_opcode_, message_};  // message_ is only reset by the next one
  return true;
}

}  // namespace ws_load
