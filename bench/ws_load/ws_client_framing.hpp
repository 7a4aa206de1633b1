// The client side of RFC 6455 that the load generator needs, sans-I/O: the upgrade request and
// its answer, masked client frames out, unmasked server frames in.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ws_load {

enum class Opcode : uint8_t {
  kContinuation = 0x0,
  kText = 0x1,
  kBinary = 0x2,
  kClose = 0x8,
  kPing = 0x9,
  kPong = 0xA,
};

// RFC 6455 4.1: Sec-WebSocket-Key is a random 16-byte nonce in base64.
std::string make_client_key(uint64_t random_high, uint64_t random_low);
// RFC 6455 4.2.2: base64(SHA-1(key + the protocol GUID)).
std::string accept_for_key(std::string_view key);
std::string upgrade_request(std::string_view host_port, std::string_view path, std::string_view key);

struct UpgradeAnswer {
  enum class Status { kIncomplete, kAccepted, kRefused };
  Status status = Status::kIncomplete;
  size_t header_bytes = 0;  // bytes of the HTTP answer; frames may follow them
  std::string reason;       // why it was refused, e.g. the status line
};
// Looks at the bytes received so far in answer to upgrade_request(..., key).
UpgradeAnswer parse_upgrade_answer(std::string_view received, std::string_view key);

// RFC 6455 5.2 + 5.3: the largest header is 2 + 8 + 4 bytes.
constexpr size_t kMaxClientHeader = 14;
// Writes one final, masked frame to out (payload.size() + kMaxClientHeader bytes available);
// returns the bytes written.
size_t write_client_frame(uint8_t* out, Opcode opcode, std::string_view payload, uint32_t mask_key);
std::string client_frame(Opcode opcode, std::string_view payload, uint32_t mask_key);
// RFC 6455 5.5.1: a close frame's payload is a 2-byte status code, then an optional reason.
std::string close_payload(uint16_t code);

// A whole message (fragments joined) or a control frame.
struct Message {
  Opcode opcode;
  std::string_view payload;
};

struct FrameHeader {
  bool fin = false;
  Opcode opcode = Opcode::kText;
  uint64_t payload_length = 0;
  size_t header_length = 0;
};
enum class HeaderStatus { kNeedMore, kComplete, kError };
// RFC 6455 5.2 for frames a server sends: unmasked, no RSV bits (no extension was negotiated).
HeaderStatus parse_server_frame_header(std::span<const uint8_t> data, uint64_t max_payload,
                                       FrameHeader& header, std::string& error);

// Frames from a server, fed as they arrive; the same messages whatever the split.
class FrameReader {
 public:
  explicit FrameReader(size_t max_message = 1 << 20) : max_message_(max_message) {}

  // Calls on_message(const Message&) for each complete message; the payload is valid during
  // the call only. False once a protocol error was seen (error() says which).
  template <class OnMessage>
  bool feed(std::span<const uint8_t> data, OnMessage&& on_message);
  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] size_t buffered() const { return pending_.size() + message_.size(); }

 private:
  template <class OnMessage>
  size_t consume(std::span<const uint8_t> data, OnMessage& on_message);
  // Joins fragments (RFC 6455 5.4); returns false on a misplaced continuation or oversize.
  bool add_fragment(const FrameHeader& header, std::string_view payload, Message& complete);

  size_t max_message_;
  std::vector<uint8_t> pending_;  // an incomplete frame's bytes
  std::string message_;           // fragments of an unfinished message
  Opcode message_opcode_ = Opcode::kText;
  bool in_message_ = false;
  bool failed_ = false;
  std::string error_;
};

template <class OnMessage>
bool FrameReader::feed(std::span<const uint8_t> data, OnMessage&& on_message) {
  if (failed_) return false;
  if (pending_.empty()) {
    // The common case: whole frames straight from the caller's buffer, no copy.
    size_t used = consume(data, on_message);
    if (!failed_) pending_.assign(data.begin() + static_cast<ptrdiff_t>(used), data.end());
  } else {
    pending_.insert(pending_.end(), data.begin(), data.end());
    size_t used = consume(std::span<const uint8_t>(pending_), on_message);
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<ptrdiff_t>(used));
  }
  return !failed_;
}

template <class OnMessage>
size_t FrameReader::consume(std::span<const uint8_t> data, OnMessage& on_message) {
  size_t used = 0;
  while (!failed_) {
    FrameHeader header;
    auto status = parse_server_frame_header(data.subspan(used), max_message_, header, error_);
    if (status == HeaderStatus::kNeedMore) break;
    if (status == HeaderStatus::kError) {
      failed_ = true;
      break;
    }
    if (data.size() - used - header.header_length < header.payload_length) break;
    std::string_view payload(reinterpret_cast<const char*>(data.data() + used + header.header_length),
                             static_cast<size_t>(header.payload_length));
    used += header.header_length + static_cast<size_t>(header.payload_length);
    Message message{header.opcode, payload};
    if (!add_fragment(header, payload, message)) {
      failed_ = true;
      break;
    }
    if (message.opcode != Opcode::kContinuation) on_message(static_cast<const Message&>(message));
  }
  return used;
}

}  // namespace ws_load
