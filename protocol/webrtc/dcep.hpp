// The Data Channel Establishment Protocol (RFC 8832): DATA_CHANNEL_OPEN and DATA_CHANNEL_ACK as
// bytes, and the SCTP payload protocol identifiers that tell WebRTC data channel messages apart
// (RFC 8831 8).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "protocol/core/error.hpp"

namespace liverelay::webrtc {

// RFC 8831 8 (IANA "SCTP Payload Protocol Identifiers"); 52 and 54 are deprecated partial forms.
inline constexpr uint32_t kPpidDcep = 50;
inline constexpr uint32_t kPpidString = 51;
inline constexpr uint32_t kPpidBinary = 53;
inline constexpr uint32_t kPpidStringEmpty = 56;
inline constexpr uint32_t kPpidBinaryEmpty = 57;

// RFC 8832 8.2.1.
inline constexpr uint8_t kDcepMessageAck = 0x02;
inline constexpr uint8_t kDcepMessageOpen = 0x03;
// RFC 8832 5.1: type (1), channel type (1), priority (2), reliability parameter (4), label
// length (2), protocol length (2), then the label and the protocol.
inline constexpr size_t kDcepOpenHeaderSize = 12;

// RFC 8832 5.1: the high bit says unordered, the low bits the partial reliability policy.
enum class DcepChannelType : uint8_t {
  reliable = 0x00,
  reliable_unordered = 0x80,
  partial_reliable_rexmit = 0x01,
  partial_reliable_rexmit_unordered = 0x81,
  partial_reliable_timed = 0x02,
  partial_reliable_timed_unordered = 0x82,
};

[[nodiscard]] inline bool is_ordered(DcepChannelType type) {
  return (static_cast<uint8_t>(type) & 0x80) == 0;
}
[[nodiscard]] inline bool is_reliable(DcepChannelType type) {
  return (static_cast<uint8_t>(type) & 0x7F) == 0;
}

// RFC 8832 5.1 priorities (any 16-bit value is allowed; these are the ones WebRTC names).
inline constexpr uint16_t kDcepPriorityNormal = 256;

struct DataChannelOpen {
  DcepChannelType channel_type = DcepChannelType::reliable;
  uint16_t priority = kDcepPriorityNormal;
  // Retransmissions (rexmit) or milliseconds (timed); ignored for reliable channels.
  uint32_t reliability_parameter = 0;
  std::string label;     // UTF-8 per RFC 8832 5.1; kept as the bytes that came
  std::string protocol;  // the subprotocol, often empty

  bool operator==(const DataChannelOpen&) const = default;
};

struct DataChannelAck {
  bool operator==(const DataChannelAck&) const = default;
};

using DcepMessage = std::variant<DataChannelOpen, DataChannelAck>;

// One DCEP message (the whole payload of one SCTP message with PPID 50). Refuses an unknown
// message or channel type, lengths that point past the end, and bytes after the declared end.
Result<DcepMessage> parse_dcep_message(std::span<const uint8_t> payload);

// Fails only when the label or the protocol is longer than a 16-bit length can say.
Result<std::vector<uint8_t>> build_data_channel_open(const DataChannelOpen& open);
std::vector<uint8_t> build_data_channel_ack();

// What a received data channel message is, from its PPID (RFC 8831 6.6).
enum class PayloadKind { dcep, string, binary, string_empty, binary_empty };
std::optional<PayloadKind> payload_kind(uint32_t ppid);

// An outgoing data channel message as SCTP sees it. SCTP cannot carry an empty user message, so
// an empty one travels as a single zero byte with PPID 56 or 57, which the receiver ignores
// (RFC 8831 6.6).
struct OutgoingPayload {
  uint32_t ppid;
  std::span<const uint8_t> bytes;
};
OutgoingPayload outgoing_payload(std::span<const uint8_t> message, bool binary);

}  // namespace liverelay::webrtc
