// STUN messages (RFC 8489): the header, the attribute list, and a parser that refuses malformed
// datagrams before anything reads an attribute.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "protocol/core/error.hpp"

namespace liverelay::webrtc {

// RFC 8489 5: bytes 4..7 of every message since RFC 5389, what tells STUN from other traffic.
inline constexpr uint32_t kStunMagicCookie = 0x2112A442;
inline constexpr size_t kStunHeaderSize = 20;
inline constexpr uint16_t kStunBindingMethod = 0x001;
// RFC 8489 14.7: FINGERPRINT is the CRC-32 of the message xor'ed with this ("STUN").
inline constexpr uint32_t kStunFingerprintXor = 0x5354554E;
// A datagram carries one message; a Binding request from a browser is about 100 bytes, so this
// bound only keeps a hostile datagram from making us keep thousands of empty attributes.
inline constexpr size_t kStunMaxAttributes = 64;

using TransactionId = std::array<uint8_t, 12>;

// RFC 8489 5: the two class bits C1 C0.
enum class StunClass : uint8_t { request = 0, indication = 1, success_response = 2, error_response = 3 };

// Attribute types (RFC 8489 18.3, RFC 8445 16.1). 0x0000-0x7FFF are comprehension-required.
namespace stun_attr {
inline constexpr uint16_t kMappedAddress = 0x0001;
inline constexpr uint16_t kUsername = 0x0006;
inline constexpr uint16_t kMessageIntegrity = 0x0008;
inline constexpr uint16_t kErrorCode = 0x0009;
inline constexpr uint16_t kUnknownAttributes = 0x000A;
inline constexpr uint16_t kMessageIntegritySha256 = 0x001C;
inline constexpr uint16_t kXorMappedAddress = 0x0020;
inline constexpr uint16_t kPriority = 0x0024;
inline constexpr uint16_t kUseCandidate = 0x0025;
inline constexpr uint16_t kSoftware = 0x8022;
inline constexpr uint16_t kFingerprint = 0x8028;
inline constexpr uint16_t kIceControlled = 0x8029;
inline constexpr uint16_t kIceControlling = 0x802A;
}  // namespace stun_attr

// RFC 8489 5: the method's 12 bits and the class's 2 bits interleave in the 14-bit type.
uint16_t stun_message_type(uint16_t method, StunClass message_class);

// A parsed message. It owns a copy of the datagram (a check is ~100 bytes) so that attribute
// values stay valid however long the caller keeps it.
class StunMessage {
 public:
  [[nodiscard]] uint16_t method() const { return method_; }
  [[nodiscard]] StunClass message_class() const { return class_; }
  [[nodiscard]] const TransactionId& transaction_id() const { return transaction_id_; }
  [[nodiscard]] std::span<const uint8_t> bytes() const { return bytes_; }

  // The value of the first attribute of that type. Attributes after MESSAGE-INTEGRITY other than
  // FINGERPRINT are not visible: RFC 8489 14.5 says to ignore them, as nothing authenticates them.
  [[nodiscard]] std::optional<std::span<const uint8_t>> attribute(uint16_t type) const;
  [[nodiscard]] bool has(uint16_t type) const { return attribute(type).has_value(); }

  // Where the MESSAGE-INTEGRITY attribute starts, when there is one (what its HMAC covers ends there).
  [[nodiscard]] std::optional<size_t> integrity_offset() const { return integrity_offset_; }
  [[nodiscard]] bool has_fingerprint() const { return has_fingerprint_; }
  // Comprehension-required types (below 0x8000) that this code does not understand, for a 420
  // answer with UNKNOWN-ATTRIBUTES (RFC 8489 6.3.1).
  [[nodiscard]] const std::vector<uint16_t>& unknown_required() const { return unknown_required_; }

 private:
  friend Result<StunMessage> parse_stun_message(std::span<const uint8_t> datagram);
  struct Attribute {
    uint16_t type;
    uint32_t offset;  // of the value, in bytes_
    uint16_t length;
  };

  std::vector<uint8_t> bytes_;
  uint16_t method_ = 0;
  StunClass class_ = StunClass::request;
  TransactionId transaction_id_{};
  std::vector<Attribute> attributes_;
  std::optional<size_t> integrity_offset_;
  bool has_fingerprint_ = false;
  std::vector<uint16_t> unknown_required_;
};

// One UDP datagram in, one message out, or an error saying what is wrong (RFC 8489 6.3: such a
// datagram is discarded). Checks the header, that every attribute fits, that MESSAGE-INTEGRITY
// and FINGERPRINT have their sizes and places, and the FINGERPRINT value when present.
// MESSAGE-INTEGRITY needs the password, which depends on USERNAME: see verify_message_integrity.
Result<StunMessage> parse_stun_message(std::span<const uint8_t> datagram);

// USERNAME as text, when present.
std::optional<std::string_view> stun_username(const StunMessage& message);

}  // namespace liverelay::webrtc
